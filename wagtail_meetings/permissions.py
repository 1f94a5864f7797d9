from django.contrib.auth import get_user_model
from wagtail.permission_policies import ModelPermissionPolicy


class MemberContentPermissionPolicy(ModelPermissionPolicy):
    """Editors moderate what members wrote; only members create it, on the site.

    Removing member content goes through hiding and the retention purge, so the
    admin offers neither "add" nor "delete".
    """

    refused_actions = frozenset({"add", "delete"})

    def user_has_permission(self, user, action):
        if action in self.refused_actions:
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return super().user_has_any_permission(
            user, [a for a in actions if a not in self.refused_actions]
        )

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission(
            [a for a in actions if a not in self.refused_actions]
        )


class ModeratePermissionPolicy(ModelPermissionPolicy):
    """Reports: moderators read them and act on them; nobody adds, edits or deletes one.

    Every admin action on a report needs the one ``moderate`` permission
    (superusers have it), which the admin calls "view".
    """

    codename = "moderate"
    allowed_actions = frozenset({"view", "moderate"})

    def user_has_permission(self, user, action):
        return action in self.allowed_actions and user.has_perm(
            f"{self.model._meta.app_label}.{self.codename}"
        )

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        if not self.allowed_actions.intersection(actions):
            return get_user_model().objects.none()
        return self._get_users_with_any_permission_codenames([self.codename])

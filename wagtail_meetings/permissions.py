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

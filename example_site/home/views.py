from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from wagtail.models import Page


def search(request):
    query = request.GET.get("q", "").strip()
    # Only live, public pages: the board and anything behind page privacy stay out.
    results = Page.objects.live().public().search(query) if query else Page.objects.none()
    page_obj = Paginator(results, 10).get_page(request.GET.get("page"))
    return TemplateResponse(
        request, "home/search.html", {"search_query": query, "search_results": page_obj}
    )

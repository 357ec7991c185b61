def navigation(request):
    return {"nav_user": getattr(request, "user", None)}

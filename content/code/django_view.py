import time
from django.http import JsonResponse

def items_view(request):
    time.sleep(1)  # the worker serving this request waits
    # safe=False: allow a top-level JSON list instead of an object
    return JsonResponse(["Item1", "Item2", "Item3"], safe=False)

from django.urls import path

from . import views

app_name = "oscar_vipps"

urlpatterns = [
    path("return/", views.ReturnView.as_view(), name="return"),
    path("webhook/", views.WebhookView.as_view(), name="webhook"),
    path("refund/<str:number>/", views.RefundView.as_view(), name="refund"),
]

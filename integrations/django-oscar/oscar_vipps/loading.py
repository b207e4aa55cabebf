"""An Oscar class loader that puts this app's classes in place without forking Oscar's apps.

``OSCAR_DYNAMIC_CLASS_LOADER = "oscar_vipps.loading.class_loader"`` makes Oscar's checkout
use `oscar_vipps.views.PaymentDetailsView` and its dashboard use
`oscar_vipps.processing.EventHandler`. Shops that already fork the checkout or order app
subclass those two classes in their fork instead (see the README) and leave the loader alone.
"""

from importlib import import_module

from django.conf import settings
from django.utils.module_loading import import_string

OVERRIDES = {
    ("checkout.views", "PaymentDetailsView"): "oscar_vipps.views.PaymentDetailsView",
    ("order.processing", "EventHandler"): "oscar_vipps.processing.EventHandler",
}


def class_loader(module_label, classnames, module_prefix):
    # The loader to fall back on: Oscar's, or the one the shop had before this app.
    fallback = import_string(getattr(settings, "VIPPS_FALLBACK_CLASS_LOADER",
                                     "oscar.core.loading.default_class_loader"))
    if module_prefix == "oscar.apps" and any((module_label, name) in OVERRIDES for name in classnames):
        classes = []
        for name in classnames:
            target = OVERRIDES.get((module_label, name))
            if target is None:
                classes.extend(fallback(module_label, [name], module_prefix))
            else:
                module, _, attribute = target.rpartition(".")
                classes.append(getattr(import_module(module), attribute))
        return classes
    return fallback(module_label, classnames, module_prefix)

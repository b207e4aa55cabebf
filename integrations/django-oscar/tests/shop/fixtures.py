"""The product fixture of the tests: one product in stock at 249.50 NOK, Norway as shipping
country, a customer and a staff user."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from oscar.core.loading import get_model

PRICE = Decimal("249.50")


def make_shop():
    Country = get_model("address", "Country")
    ProductClass = get_model("catalogue", "ProductClass")
    Product = get_model("catalogue", "Product")
    Partner = get_model("partner", "Partner")
    StockRecord = get_model("partner", "StockRecord")
    Country.objects.get_or_create(iso_3166_1_a2="NO", defaults={
        "iso_3166_1_a3": "NOR", "iso_3166_1_numeric": "578", "printable_name": "Norway",
        "name": "Kingdom of Norway", "is_shipping_country": True})
    kind = ProductClass.objects.create(name="Socks", requires_shipping=True, track_stock=True)
    product = Product.objects.create(product_class=kind, title="Wool socks", structure="standalone")
    partner = Partner.objects.create(name="Warehouse")
    StockRecord.objects.create(product=product, partner=partner, partner_sku="SOCKS-1", price=PRICE,
                               price_currency="NOK", num_in_stock=100)
    users = get_user_model()
    customer = users.objects.create_user("kari", "kari@example.com", "pw")
    staff = users.objects.create_user("admin", "admin@example.com", "pw", is_staff=True, is_superuser=True)
    return product, customer, staff

"""Master data of the demo company: entities, accounts, taxes, rates, items, people, customers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from autobill.core.calendar import add_months

if TYPE_CHECKING:
    from autobill.demo.common import Store

COMPANY: Final = {
    "COMPANYID": "BRIGHTWATER",
    "NAME": "Brightwater Analytics Inc.",
    "BASECURR": "USD",
}

_LOCATIONS: Final = (
    ("US", "Brightwater Analytics Inc. (US)", None, True, "USD"),
    ("US-NY", "New York office", "US", None, None),
    ("US-SF", "San Francisco office", "US", None, None),
    ("UK", "Brightwater Analytics Ltd (UK)", None, True, "GBP"),
    ("UK-LON", "London office", "UK", None, None),
)
_DEPARTMENTS: Final = (
    ("SAAS", "Subscriptions"),
    ("PS", "Professional services"),
    ("MS", "Managed services"),
)
_CLASSES: Final = (("ENT", "Enterprise"), ("MID", "Mid-market"), ("SMB", "Small business"))
_ACCOUNTS: Final = (
    ("4000", "Subscription revenue", "incomestatement"),
    ("4010", "Support revenue", "incomestatement"),
    ("4050", "Usage revenue", "incomestatement"),
    ("4100", "Professional services revenue", "incomestatement"),
    ("4150", "Training revenue", "incomestatement"),
    ("4200", "Reimbursed expenses", "incomestatement"),
    ("2200", "Sales tax payable", "balancesheet"),
    ("2210", "VAT payable", "balancesheet"),
    ("2500", "Deferred revenue", "balancesheet"),
)
TERMS: Final = {"Due on receipt": 0, "Net 15": 15, "Net 30": 30, "Net 45": 45, "Net 60": 60}
_TAXES: Final = (
    ("NY-STATE", "8.875", "2200", "NY"),
    ("TX-STATE", "6.25", "2200", "TX"),
    ("WA-STATE", "10.1", "2200", "WA"),
    ("GB-VAT", "20", "2210", "GB"),
)

# Items: id, name, base price, taxable as SaaS, income account, revenue template.
ITEMS: Final = (
    ("SUB-CORE", "Insight Platform - Core plan", "1500.00", True, "4000", "Daily rate"),
    ("SUB-PRO", "Insight Platform - Professional plan", "3000.00", True, "4000", "Daily rate"),
    ("SUB-ENT", "Insight Platform - Enterprise plan", "6000.00", True, "4000", "Daily rate"),
    ("SEATS", "Analyst seats", "45.00", True, "4000", "Daily rate"),
    ("SUPPORT", "Premium support", "500.00", True, "4010", "Straight line"),
    ("MANAGED", "Managed analytics service", None, False, "4010", "Straight line"),
    ("API", "API calls", None, True, "4050", "On invoice"),
    ("STORAGE", "Data storage (GB-month)", "0.25", True, "4050", "On invoice"),
    ("EVENTS", "Tracked events", None, True, "4050", "On invoice"),
    ("ALERTS", "SMS alerts (packs of 1,000)", "12.00", True, "4050", "On invoice"),
    ("SETUP", "Implementation and onboarding fee", None, False, "4100", "On invoice"),
    ("TRAINING", "Training workshop", "4500.00", False, "4150", "On invoice"),
    ("IMPL", "Implementation services (fixed fee)", None, False, "4100", "On completion"),
    ("CONSULT", "Consulting services", None, False, "4100", None),
    ("PM", "Project management", None, False, "4100", None),
    ("DATAENG", "Data engineering", None, False, "4100", None),
    ("TRAVEL", "Travel (airfare, rail, mileage)", None, False, "4200", None),
    ("LODGING", "Lodging", None, False, "4200", None),
    ("MEALS", "Meals", None, False, "4200", None),
)

# (EMPLOYEEID, NAME, TITLE, rate, DEPARTMENTID, LOCATIONID); UK rates are in GBP.
EMPLOYEES: Final = (
    ("E-101", "Priya Shah", "Senior Consultant", "185.00", "PS", "US-NY"),
    ("E-102", "Marcus Bell", "Engagement Partner", "295.00", "PS", "US-NY"),
    ("E-103", "Elena Ruiz", "Project Manager", "165.00", "PS", "US-NY"),
    ("E-104", "Daniel Okafor", "Consultant", "150.00", "PS", "US-NY"),
    ("E-105", "Grace Liu", "Data Engineer", "175.00", "PS", "US-SF"),
    ("E-106", "Tom Becker", "Analyst", "115.00", "PS", "US-SF"),
    ("E-107", "Aisha Karim", "Senior Consultant", "185.00", "PS", "US-SF"),
    ("E-108", "Jonah Weiss", "Consultant", "150.00", "PS", "US-SF"),
    ("E-109", "Sofia Marino", "Data Engineer", "175.00", "PS", "US-NY"),
    ("E-110", "Ben Carter", "Analyst", "115.00", "PS", "US-NY"),
    ("E-111", "Hannah Price", "Solutions Architect", "210.00", "PS", "US-SF"),
    ("E-112", "Luis Ortega", "Project Manager", "165.00", "PS", "US-SF"),
    ("E-201", "Oliver Grant", "Senior Consultant", "145.00", "PS", "UK-LON"),
    ("E-202", "Charlotte Hughes", "Consultant", "120.00", "PS", "UK-LON"),
    ("E-203", "Rahul Mehta", "Data Engineer", "135.00", "PS", "UK-LON"),
    ("E-204", "Emma Davies", "Project Manager", "130.00", "PS", "UK-LON"),
    ("E-205", "Lukas Brandt", "Analyst", "95.00", "PS", "UK-LON"),
    ("E-206", "Isabelle Moreau", "Engagement Partner", "230.00", "PS", "UK-LON"),
)

_FIRST: Final = (
    "Harbor",
    "Summit",
    "Cedar",
    "Granite",
    "Bluebird",
    "Northgate",
    "Ironwood",
    "Lakeside",
    "Silverline",
    "Redwood",
    "Brookfield",
    "Meridian",
    "Pinecrest",
    "Keystone",
    "Riverton",
    "Oakmont",
    "Westfield",
    "Sterling",
    "Copper",
    "Highland",
    "Evergreen",
    "Falcon",
    "Horizon",
    "Juniper",
    "Marigold",
    "Crescent",
    "Trident",
    "Aspen",
    "Beacon",
    "Clearwater",
)
_SECOND: Final = (
    "Logistics",
    "Health",
    "Foods",
    "Capital",
    "Retail",
    "Energy",
    "Media",
    "Labs",
    "Freight",
    "Insurance",
    "Hotels",
    "Pharma",
    "Systems",
    "Outfitters",
    "Dental",
    "Realty",
    "Partners",
    "Manufacturing",
    "Mobility",
    "Brewing",
)
_SUFFIX: Final = {
    "USD": ("Inc.", "LLC", "Corp."),
    "GBP": ("Ltd", "plc"),
    "EUR": ("GmbH", "SAS", "B.V."),
}
_US_CITIES: Final = (
    ("New York", "NY", "100"),
    ("Austin", "TX", "787"),
    ("Seattle", "WA", "981"),
    ("Chicago", "IL", "606"),
    ("Boston", "MA", "021"),
    ("Denver", "CO", "802"),
)
_UK_CITIES: Final = ("London", "Manchester", "Leeds", "Bristol", "Edinburgh")
_EU_CITIES: Final = (
    ("Berlin", "Germany", "DE"),
    ("Paris", "France", "FR"),
    ("Amsterdam", "Netherlands", "NL"),
    ("Munich", "Germany", "DE"),
)
_STREETS: Final = ("Market Street", "Harbour Road", "King Street", "Elm Avenue", "Mill Lane")
US_CUSTOMERS: Final = 30
UK_CUSTOMERS: Final = 8
EU_CUSTOMERS: Final = 6


def build_master(store: Store) -> None:
    """Add the company's master data to ``store``."""
    for lid, name, parent, entity, currency in _LOCATIONS:
        store.add(
            "LOCATION",
            {
                "LOCATIONID": lid,
                "NAME": name,
                "PARENTID": parent,
                "ENTITY": entity,
                "CURRENCY": currency,
            },
        )
    for did, title in _DEPARTMENTS:
        store.add("DEPARTMENT", {"DEPARTMENTID": did, "TITLE": title})
    for cid, name in _CLASSES:
        store.add("CLASS", {"CLASSID": cid, "NAME": name})
    for number, title, kind in _ACCOUNTS:
        store.add("GLACCOUNT", {"ACCOUNTNO": number, "TITLE": title, "ACCOUNTTYPE": kind})
    for term, days in TERMS.items():
        store.add("ARTERM", {"NAME": term, "DUEDAYS": days})
    for detail, value, account, group in _TAXES:
        store.add(
            "TAXDETAIL",
            {"DETAILID": detail, "VALUE": value, "TAXTYPE": "Sale", "GLACCOUNT": account},
        )
        store.add(
            "TAXSCHEDULEMAP",
            {"CONTACTTAXGROUP": group, "ITEMTAXGROUP": "SAAS", "TAXDETAILS": [detail]},
        )
    _rates(store)
    for iid, name, price, taxable, account, template in ITEMS:
        store.add(
            "ITEM",
            {
                "ITEMID": iid,
                "NAME": name,
                "ITEMTYPE": "Non-Inventory (Sales only)",
                "BASEPRICE": price,
                "TAXABLE": taxable,
                "TAXGROUP": "SAAS" if taxable else None,
                "GLACCOUNT": account,
                "DEFERREDREVACCT": "2500" if template else None,
                "REVRECTEMPLATE": template,
            },
        )
    for eid, name, title, rate, dept, loc in EMPLOYEES:
        store.add(
            "EMPLOYEE",
            {
                "EMPLOYEEID": eid,
                "NAME": name,
                "TITLE": title,
                "BILLINGRATE": rate,
                "DEPARTMENTID": dept,
                "LOCATIONID": loc,
            },
        )
    _customers(store)


def _rates(store: Store) -> None:
    """Monthly EUR and GBP rates to USD, the base currency, from January 2025 to December 2026."""
    levels = {"EUR": Decimal("1.0800"), "GBP": Decimal("1.2700")}
    for month in range(24):
        day = add_months(date(2025, 1, 1), month)
        for currency, level in levels.items():
            drift = Decimal(store.rng.randint(-150, 150)) / 10000
            levels[currency] = level + drift
            store.add(
                "EXCHANGERATE",
                {
                    "FROMCURRENCY": currency,
                    "TOCURRENCY": "USD",
                    "RATEDATE": day,
                    "RATE": f"{levels[currency]:.4f}",
                },
            )


def _customers(store: Store) -> None:
    """Forty-four customers: thirty in the US, eight in the UK and six in the euro area."""
    rng = store.rng
    names = [f"{a} {b}" for a in _FIRST for b in _SECOND]
    rng.shuffle(names)
    plan = (["USD"] * US_CUSTOMERS) + (["GBP"] * UK_CUSTOMERS) + (["EUR"] * EU_CUSTOMERS)
    for index, currency in enumerate(plan):
        number = 1001 + index
        name = f"{names[index]} {rng.choice(_SUFFIX[currency])}"
        street = f"{rng.randint(10, 990)} {rng.choice(_STREETS)}"
        store.add("CUSTOMER", _customer(store, number, name, currency, street))


def _customer(
    store: Store, number: int, name: str, currency: str, street: str
) -> dict[str, object]:
    """One customer record with its contact, tax group and owning location."""
    rng = store.rng
    slug = "".join(c for c in name.split(maxsplit=1)[0].lower() if c.isalpha())
    if currency == "USD":
        city, state, zip3 = _US_CITIES[number % len(_US_CITIES)]
        address = {
            "ADDRESS1": street,
            "CITY": city,
            "STATE": state,
            "ZIP": f"{zip3}{rng.randint(10, 99)}",
            "COUNTRY": "United States",
            "COUNTRYCODE": "US",
        }
        taxgroup = state if state in {"NY", "TX", "WA"} else None
        location = "US-NY" if state in {"NY", "MA", "IL"} else "US-SF"
    elif currency == "GBP":
        city = _UK_CITIES[number % len(_UK_CITIES)]
        postcode = f"EC{rng.randint(1, 4)}A {rng.randint(1, 9)}BB"
        address = {
            "ADDRESS1": street,
            "CITY": city,
            "ZIP": postcode,
            "COUNTRY": "United Kingdom",
            "COUNTRYCODE": "GB",
        }
        taxgroup, location = "GB", "UK-LON"
    else:
        city, country, code = _EU_CITIES[number % len(_EU_CITIES)]
        address = {
            "ADDRESS1": street,
            "CITY": city,
            "ZIP": f"{rng.randint(10000, 99999)}",
            "COUNTRY": country,
            "COUNTRYCODE": code,
        }
        taxgroup, location = None, "UK-LON"
    term = ("Net 30", "Net 30", "Net 30", "Net 45", "Net 15")[number % 5]
    return {
        "CUSTOMERID": f"C-{number}",
        "NAME": name,
        "STATUS": "active",
        "TERMNAME": term,
        "CURRENCY": currency,
        "TAXABLE": taxgroup is not None,
        "TAXGROUP": taxgroup,
        "CUSTTYPE": ("Enterprise", "Mid-market", "Small business")[number % 3],
        "LOCATIONID": location,
        "DELIVERY_OPTIONS": "E-Mail",
        "DISPLAYCONTACT": {
            "PRINTAS": name,
            "EMAIL1": f"accounts.payable@{slug}.example",
            "MAILADDRESS": address,
        },
    }

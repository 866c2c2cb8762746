"""Contract documents of the demo company: order forms, SOWs, MSAs, an amendment, a notice."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Final

from autobill.demo.common import long_date
from autobill.demo.discrepancies import apply_order, apply_sow
from autobill.demo.pdf import render_pdf
from autobill.demo.terms import SELLER, amount, contract_terms, payment_clause, project_terms

if TYPE_CHECKING:
    from autobill.demo.common import Record, Store
    from autobill.demo.terms import ProjectTerms

Section = tuple[str, list[str]]

# (DOCUMENTID, kind, target, file suffix); kinds: msa, order, sow, amendment, termination.
CATALOG: Final = (
    ("DOC-001", "msa", "C-1001", "md"),
    ("DOC-002", "order", "CN-2001", "md"),
    ("DOC-003", "sow", "P-3012", "txt"),
    ("DOC-004", "order", "CN-2002", "md"),
    ("DOC-005", "order", "CN-2003", "txt"),
    ("DOC-006", "sow", "P-3014", "txt"),
    ("DOC-007", "order", "CN-2004", "md"),
    ("DOC-008", "sow", "P-3011", "txt"),
    ("DOC-009", "order", "CN-2005", "md"),
    ("DOC-010", "order", "CN-2007", "md"),
    ("DOC-011", "amendment", "CN-2007", "md"),
    ("DOC-012", "order", "CN-2008", "md"),
    ("DOC-013", "termination", "CN-2008", "txt"),
    ("DOC-014", "order", "CN-2010", "md"),
    ("DOC-015", "order", "CN-2012", "md"),
    ("DOC-016", "msa", "C-1013", "pdf"),
    ("DOC-017", "order", "CN-2013", "md"),
    ("DOC-018", "sow", "P-3001", "pdf"),
    ("DOC-019", "order", "CN-2014", "md"),
    ("DOC-020", "sow", "P-3002", "txt"),
    ("DOC-021", "order", "CN-2017", "md"),
    ("DOC-022", "order", "CN-2019", "md"),
    ("DOC-023", "order", "CN-2020", "md"),
    ("DOC-024", "order", "CN-2021", "md"),
    ("DOC-025", "sow", "P-3005", "txt"),
    ("DOC-026", "sow", "P-3007", "txt"),
    ("DOC-027", "sow", "P-3008", "txt"),
    ("DOC-028", "sow", "P-3009", "txt"),
    ("DOC-029", "sow", "P-3010", "txt"),
    ("DOC-030", "sow", "P-3013", "txt"),
    ("DOC-031", "sow", "P-3015", "md"),
    ("DOC-032", "sow", "P-3016", "md"),
    ("DOC-033", "order", "CN-2031", "md"),
    ("DOC-034", "order", "CN-2033", "pdf"),
    ("DOC-035", "order", "CN-2034", "md"),
    ("DOC-036", "sow", "P-3004", "md"),
    ("DOC-037", "sow", "P-3017", "txt"),
    ("DOC-038", "order", "CN-2041", "md"),
    ("DOC-039", "order", "CN-2042", "md"),
    ("DOC-040", "sow", "P-3006", "txt"),
    ("DOC-041", "order", "CN-2011", "md"),
    ("DOC-042", "sow", "P-3019", "txt"),
)
# Order forms as first signed: an amendment (DOC-011) and a notice (DOC-013) changed them later.
_AS_SIGNED: Final = frozenset({"DOC-010", "DOC-012"})
_AMENDMENT_DAY: Final = date(2026, 6, 15)
_TERMINATION_DAY: Final = date(2026, 8, 15)


def build_documents(store: Store) -> None:
    """Render every document to a file under ``documents/`` and add its DOCUMENT record."""
    for doc_id, kind, target, suffix in CATALOG:
        title, sections, ids = _RENDER[kind](store, doc_id, target)
        slug = "".join(c if c.isalnum() else " " for c in title.lower())
        path = f"documents/{doc_id}-{'-'.join(slug.split())[:60].rstrip('-')}.{suffix}"
        store.files[path] = _encode(title, sections, suffix)
        store.add("DOCUMENT", {"DOCUMENTID": doc_id, "TITLE": title, **ids, "PATH": path})


def _encode(title: str, sections: list[Section], suffix: str) -> bytes:
    numbered = _number(sections)
    if suffix == "md":
        parts = [f"# {title}\n"]
        for heading, lines in numbered:
            parts.append(f"## {heading}\n")
            parts.append("\n".join(lines) + "\n")
        return "\n".join(parts).encode("utf-8")
    parts = [title, "=" * len(title), ""]
    for heading, lines in numbered:
        parts += [
            heading.upper(),
            *(ln.replace("- ", "  * ", 1) if ln.startswith("- ") else ln for ln in lines),
            "",
        ]
    text = "\n".join(parts)
    return render_pdf(title, text) if suffix == "pdf" else text.encode("utf-8")


def _number(sections: list[Section]) -> list[Section]:
    """Number sections and clauses in order; a line starting with ``~`` is unnumbered prose."""
    numbered: list[Section] = []
    for k, (heading, lines) in enumerate(sections, start=1):
        clauses, j = [], 0
        for line in lines:
            if line.startswith("~"):
                clauses.append(line[1:])
                continue
            j += 1
            bullet = line.startswith("- ")
            text = line.removeprefix("- ")
            clauses.append(f"{'- ' if bullet else ''}{k}.{j} {text}")
        numbered.append((f"{k}. {heading}", clauses))
    return numbered


def _parties(store: Store, customer_id: str, currency: str) -> str:
    customer = store.by("CUSTOMER", "CUSTOMERID", customer_id)
    return (
        f'This document is between {SELLER[currency]} ("Brightwater") and '
        f'{customer["NAME"]} (customer {customer_id}, "the Client").'
    )


def _order(store: Store, doc_id: str, cid: str) -> tuple[str, list[Section], dict[str, str]]:
    contract = store.by("CONTRACT", "CONTRACTID", cid)
    terms = apply_order(doc_id, contract_terms(store, cid, as_signed=doc_id in _AS_SIGNED))
    cur = terms.currency
    sections: list[Section] = [
        ("Parties", [_parties(store, contract["CUSTOMERID"], cur)]),
        (
            "Term",
            [
                f"The order term runs from {terms.start} to {terms.end}.",
                f"All amounts are in {cur} and exclude applicable taxes.",
            ],
        ),
        ("Fees", [f"- {fee}" for fee in terms.fees] or ["~No fixed fees apply."]),
    ]
    if terms.discount:
        sections[2][1].append(
            f"~A discount of {terms.discount}% applies to the recurring fees "
            "above for the whole order term."
        )
    if terms.usage:
        sections.append(("Usage charges", [f"- {u}" for u in terms.usage]))
    if terms.milestones:
        sections.append(("Milestone schedule", [f"- {m}" for m in terms.milestones]))
    invoicing = [terms.frequency, terms.payment]
    if terms.po:
        invoicing.append(f"Invoices must quote the Client's purchase order {terms.po}.")
    sections.append(("Invoicing and payment", invoicing))
    title = f"Order form {cid}: {contract['NAME']}"
    return title, sections, {"CONTRACTID": cid, "CUSTOMERID": contract["CUSTOMERID"]}


def _sow(store: Store, doc_id: str, pid: str) -> tuple[str, list[Section], dict[str, str]]:
    project = store.by("PROJECT", "PROJECTID", pid)
    terms = apply_sow(doc_id, project_terms(store, pid))
    cur = terms.currency
    scope = [
        (
            f"Brightwater will deliver the {project['NAME']} engagement from "
            f"{terms.start} to {terms.end}."
        ),
        f"All amounts are in {cur}.",
    ]
    sections: list[Section] = [
        ("Parties", [_parties(store, project["CUSTOMERID"], cur)]),
        ("Scope and term", scope),
    ]
    if terms.rates:
        sections.append(
            (
                "Rates",
                ["~Time is billed by the hour at these rates:", *(f"- {r}" for r in terms.rates)],
            )
        )
    if terms.milestones:
        sections.append(
            (
                "Fixed price and milestones",
                [
                    (
                        "~The services are delivered for a fixed price, invoiced as each "
                        "milestone is accepted:"
                    ),
                    *(f"- {m}" for m in terms.milestones),
                ],
            )
        )
    sections.append(("Invoicing and payment", _sow_billing(project, terms)))
    ids = {"PROJECTID": pid, "CUSTOMERID": project["CUSTOMERID"]}
    if "CONTRACTID" in project:
        ids["CONTRACTID"] = project["CONTRACTID"]
    return f"Statement of work {pid}: {project['NAME']}", sections, ids


def _sow_billing(project: Record, terms: ProjectTerms) -> list[str]:
    """The invoicing clauses of a statement of work: expenses, timing, payment, cap and PO."""
    cur = terms.currency
    fixed_only = project["BILLINGTYPE"] == "Fixed Fee"
    billing = [
        "The fixed price includes all travel and expenses." if fixed_only else terms.expenses
    ]
    if not fixed_only:
        where = (
            f"on the invoices of contract {project['CONTRACTID']}"
            if "CONTRACTID" in project
            else "at the end of each calendar month"
        )
        what = (
            "Expenses are"
            if project["BILLINGTYPE"] == "Fixed Fee & Expenses"
            else ("Time and expenses are")
        )
        billing.append(f"{what} invoiced monthly in arrears, {where}.")
    billing.append(terms.payment)
    if terms.cap:
        billing.append(
            f"Total fees and expenses under this SOW shall not exceed "
            f"{amount(cur, terms.cap)} without a written change order."
        )
    if terms.po_required:
        billing.append(
            "A purchase order is a condition of invoicing: every invoice must "
            "quote the Client's purchase order number, and invoices without a valid "
            "purchase order number will not be paid."
        )
    elif terms.po:
        billing.append(f"Invoices must quote the Client's purchase order {terms.po}.")
    return billing


def _msa(store: Store, _doc_id: str, cust: str) -> tuple[str, list[Section], dict[str, str]]:
    customer = store.by("CUSTOMER", "CUSTOMERID", cust)
    cur = customer["CURRENCY"]
    sections: list[Section] = [
        ("Parties", [_parties(store, cust, cur)]),
        (
            "Structure",
            [
                (
                    "This master agreement governs every order form and statement of work between "
                    "the parties. An order form or statement of work prevails for its own subject."
                )
            ],
        ),
        (
            "Payment",
            [
                f"{payment_clause(customer['TERMNAME'])}",
                f"Unless an order form says otherwise, amounts are in {cur}.",
                "Overdue amounts bear interest at 1% per month.",
            ],
        ),
        (
            "Services",
            [
                (
                    "Time and materials services are invoiced monthly in arrears at "
                    "the rates of the statement of work."
                ),
                (
                    "Unless a statement of work says otherwise, approved travel "
                    "expenses are billed at cost."
                ),
            ],
        ),
    ]
    title = f"Master services agreement: {customer['NAME']}"
    return title, sections, {"CUSTOMERID": cust}


def _amendment(store: Store, _doc_id: str, cid: str) -> tuple[str, list[Section], dict[str, str]]:
    contract = store.by("CONTRACT", "CONTRACTID", cid)
    cur = contract["CURRENCY"]
    old, new = store.where("CONTRACTDETAIL", CONTRACTID=cid)[:2]
    day = long_date(_AMENDMENT_DAY)
    sections: list[Section] = [
        ("Parties", [_parties(store, contract["CUSTOMERID"], cur)]),
        (
            "Change",
            [
                (
                    f"With effect from {day}, the Client upgrades from the Core plan "
                    f"({amount(cur, old['FLATAMOUNT'])} per month) to the Professional plan at "
                    f"{amount(cur, new['FLATAMOUNT'])} per month, "
                    f"until {long_date(contract['ENDDATE'])}."
                ),
                (
                    "The unused part of the Core plan fee for the current month is credited "
                    "pro rata, and the Professional plan fee for the rest of that month is "
                    "invoiced pro rata, on the same invoice."
                ),
                "All other terms of the order form remain unchanged.",
            ],
        ),
    ]
    title = f"Amendment 1 to order form {cid}: upgrade to Professional"
    return title, sections, {"CONTRACTID": cid, "CUSTOMERID": contract["CUSTOMERID"]}


def _termination(store: Store, _doc_id: str, cid: str) -> tuple[str, list[Section], dict[str, str]]:
    contract = store.by("CONTRACT", "CONTRACTID", cid)
    day = long_date(_TERMINATION_DAY)
    sections: list[Section] = [
        ("Parties", [_parties(store, contract["CUSTOMERID"], contract["CURRENCY"])]),
        (
            "Notice",
            [
                (
                    f"The Client terminates order form {cid} for convenience. The last day of "
                    f"service is {day}."
                ),
                (
                    "Fees already invoiced for the days after the last day of service are credited "
                    "pro rata; no further fees are invoiced."
                ),
            ],
        ),
    ]
    title = f"Termination notice for order form {cid}"
    return title, sections, {"CONTRACTID": cid, "CUSTOMERID": contract["CUSTOMERID"]}


_RENDER: Final = {
    "order": _order,
    "sow": _sow,
    "msa": _msa,
    "amendment": _amendment,
    "termination": _termination,
}

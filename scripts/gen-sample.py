#!/usr/bin/env python3
"""Generate the demo config and sample leads for the dashboard.

Writes (relative to the repository root):
  data/default-config.json   routing config for "Northwind Analytics"
  data/sample-leads.jsonl    400 leads, one JSON object per line
  data/sample-leads.csv      the same leads as CSV; three columns are named
                             differently from the config fields
                             (Email Address, Company Name, Employees) so the
                             dashboard's column mapping has work to do

Deterministic: everything comes from one seeded PRNG, nothing reads the clock.
Before writing, the config is checked against the key sets of
src/config/raw.rs, every referenced rep/team/pool id is resolved, and every
field a condition reads must be declared (or be a built-in).

Usage: scripts/gen-sample.py [OUT_DIR]   (default: <repo>/data)
Standard library only.
"""

import csv
import datetime as dt
import io
import json
import os
import random
import re
import sys
import unicodedata

SEED = 42
N_LEADS = 400

# ---------------------------------------------------------------------------
# Shared vocabulary
# ---------------------------------------------------------------------------

PRODUCTS = ["Dashboards", "Embedded Analytics", "Data Pipelines", "Forecasting"]
INDUSTRIES = [
    "Software",
    "Financial Services",
    "Healthcare",
    "Retail",
    "Manufacturing",
    "Logistics",
    "Media",
    "Education",
]
SOURCES = ["web", "webinar", "partner", "referral", "ads"]
EMEA_COUNTRIES = [
    "GB", "IE", "DE", "AT", "CH", "FR", "BE", "NL", "LU",
    "ES", "PT", "IT", "SE", "DK", "NO", "FI", "PL",
]
FREE_MAIL = ["gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "aol.com"]
COMPETITORS = ["datapulse.io", "insightforge.com", "chartwell-bi.com", "metricly.io"]
SPAM_WORDS = ["viagra", "casino", "crypto giveaway", "backlinks", "seo services", "payday loan"]

# Known accounts: domain -> (company, country, region, postal, industry, size, revenue, owner).
ACCOUNTS = {
    "globexia.com": ("Globexia Corp", "US", "NY", "10017", "Financial Services", 4200, 1150000000, "r-olivia"),
    "brightwave.io": ("Brightwave", "US", "CA", "94107", "Software", 650, 118000000, "r-marcus"),
    "cedarhealth.com": ("Cedar Health Partners", "US", "TX", "75201", "Healthcare", 1800, 410000000, "r-priya"),
    "harborline.com": ("Harborline Logistics", "US", "NJ", "07302", "Logistics", 380, 72000000, "r-jake"),
    "pinecrest-retail.com": ("Pinecrest Retail", "US", "WA", "98101", "Retail", 520, 88000000, "r-sofia"),
    "maplegrid.ca": ("MapleGrid Energy", "CA", "ON", "M5V 2T6", "Manufacturing", 310, 64000000, "r-liam"),
    "rheinwerk-ag.de": ("Rheinwerk AG", "DE", "NW", "50667", "Manufacturing", 2500, 690000000, "r-hannah"),
    "lumiere-medias.fr": ("Lumière Médias SA", "FR", "IDF", "75008", "Media", 240, 41000000, "r-lucas"),
    "thamesbridge.co.uk": ("Thamesbridge Capital Ltd", "GB", "England", "EC2V 7HH", "Financial Services", 900, 160000000, "r-isabel"),
}


# ---------------------------------------------------------------------------
# Config
# ---------------------------------------------------------------------------

def weekdays(span, sat=None):
    h = {d: span for d in ("mon", "tue", "wed", "thu", "fri")}
    if sat:
        h["sat"] = sat
    return h


def rep(rid, name, email, phone, tz, hours, **kw):
    r = {"id": rid, "name": name, "email": email, "phone": phone}
    r.update(kw)
    hrs = {"tz": tz}
    hrs.update(hours)
    r["hours"] = hrs
    # Keep a stable, readable key order (matches raw.rs field order).
    order = [
        "id", "name", "email", "phone", "territories", "languages", "industries",
        "products", "segments", "seniority", "performance", "caps", "status",
        "hours", "out_of_office", "calendar_url",
    ]
    return {k: r[k] for k in order if k in r}


def build_config():
    sla = {
        "first_touch_minutes": 5,
        "remind_after_minutes": [60, 1440],
        "escalate_to": "r-morgan",
        "reroute": True,
    }
    reps = [
        # --- Enterprise -----------------------------------------------------
        rep("r-olivia", "Olivia Bennett", "olivia.bennett@northwind-analytics.com", "+1 212-555-0141",
            "America/New_York", weekdays("08:00-18:00"),
            territories=[{"country": "US", "regions": ["NY", "NJ", "CT", "MA", "PA", "DC", "VA", "FL", "GA", "NC"]}],
            languages=["en"], industries=["Financial Services", "Software"],
            products=["Embedded Analytics", "Forecasting"], segments=["enterprise"],
            seniority="senior", performance=0.38, caps={"month": 60}, status="available",
            calendar_url="https://cal.example.com/olivia-bennett"),
        rep("r-marcus", "Marcus Reed", "marcus.reed@northwind-analytics.com", "+1 415-555-0172",
            "America/Los_Angeles", weekdays("08:00-17:00"),
            territories=[{"country": "US", "regions": ["CA", "WA", "OR", "NV", "AZ", "CO", "UT"]}],
            languages=["en", "es"], industries=["Software", "Media", "Retail"],
            products=["Embedded Analytics", "Data Pipelines"], segments=["enterprise"],
            seniority="senior", performance=0.31, caps={"week": 15, "month": 55}, status="available",
            out_of_office=[{"from": "2026-11-25", "to": "2026-11-27"}],
            calendar_url="https://cal.example.com/marcus-reed"),
        rep("r-priya", "Priya Raman", "priya.raman@northwind-analytics.com", "+1 312-555-0118",
            "America/Chicago", weekdays("08:30-17:30"),
            territories=[{"country": "US", "regions": ["TX", "IL", "MN", "OH", "MI", "MO", "WI"]}, {"country": "CA"}],
            languages=["en", "hi"], industries=["Healthcare", "Manufacturing", "Logistics"],
            products=["Dashboards", "Forecasting"], segments=["enterprise", "mid"],
            seniority="mid", performance=0.27, caps={"month": 50}, status="away",
            calendar_url="https://cal.example.com/priya-raman"),
        # --- Mid-market (territory) ----------------------------------------
        rep("r-jake", "Jake Sullivan", "jake.sullivan@northwind-analytics.com", "+1 646-555-0193",
            "America/New_York", weekdays("09:00-17:30"),
            territories=[
                {"country": "US", "regions": ["NY"], "postal_prefixes": ["100", "101", "102", "104", "112"]},
                {"country": "US", "regions": ["NY", "NJ", "CT", "MA", "PA", "DC", "VA", "FL", "GA", "NC"]},
            ],
            languages=["en"], industries=["Financial Services", "Logistics"],
            products=["Dashboards", "Data Pipelines"], segments=["mid"],
            seniority="mid", performance=0.24, caps={"day": 6, "week": 25, "month": 90}, status="available",
            calendar_url="https://cal.example.com/jake-sullivan"),
        rep("r-sofia", "Sofia Alvarez", "sofia.alvarez@northwind-analytics.com", "+1 206-555-0126",
            "America/Los_Angeles", weekdays("08:00-16:30"),
            territories=[
                {"country": "US", "regions": ["CA"], "postal_prefixes": ["94", "95"]},
                {"country": "US", "regions": ["CA", "WA", "OR", "NV", "AZ", "CO", "UT"]},
            ],
            languages=["en", "es"], industries=["Software", "Retail"],
            products=["Embedded Analytics", "Dashboards"], segments=["mid"],
            seniority="mid", performance=0.29, caps={"week": 25}, status="available",
            calendar_url="https://cal.example.com/sofia-alvarez"),
        rep("r-liam", "Liam O'Connor", "liam.oconnor@northwind-analytics.com", "+1 416-555-0164",
            "America/Chicago", weekdays("08:00-17:00"),
            territories=[
                {"country": "US", "regions": ["TX", "IL", "MN", "OH", "MI", "MO", "WI"]},
                {"country": "CA"},
            ],
            languages=["en", "fr"], industries=["Manufacturing", "Healthcare"],
            products=["Forecasting", "Data Pipelines"], segments=["mid"],
            seniority="junior", performance=0.19, status="available",
            out_of_office=[{"from": "2026-12-24", "to": "2027-01-01"}],
            calendar_url="https://cal.example.com/liam-oconnor"),
        # --- SMB (round robin + cherry-pick pool) ---------------------------
        rep("r-emma", "Emma Chen", "emma.chen@northwind-analytics.com", "+1 917-555-0102",
            "America/New_York", weekdays("08:00-17:00"),
            territories=[{"country": "US"}],
            languages=["en", "zh"], industries=["Software", "Retail", "Education"],
            products=["Dashboards"], segments=["smb"],
            seniority="junior", performance=0.14, caps={"day": 12, "week": 50}, status="available",
            calendar_url="https://cal.example.com/emma-chen"),
        rep("r-noah", "Noah Williams", "noah.williams@northwind-analytics.com", "+1 773-555-0157",
            "America/Chicago", weekdays("09:00-17:00"),
            territories=[{"country": "US"}, {"country": "CA"}],
            languages=["en"], industries=["Manufacturing", "Logistics"],
            products=["Dashboards", "Data Pipelines"], segments=["smb"],
            seniority="junior", performance=0.12, caps={"day": 12, "week": 50}, status="out_of_office",
            out_of_office=[{"from": "2026-11-16", "to": "2026-11-27"}],
            calendar_url="https://cal.example.com/noah-williams"),
        rep("r-ava", "Ava Martinez", "ava.martinez@northwind-analytics.com", "+1 310-555-0135",
            "America/Los_Angeles", weekdays("07:30-16:00", sat="09:00-13:00"),
            territories=[{"country": "US"}, {"country": "AU"}],
            languages=["en", "es", "pt"], industries=["Retail", "Media", "Education"],
            products=["Dashboards", "Forecasting"], segments=["smb"],
            seniority="mid", performance=0.17, caps={"day": 15}, status="available",
            calendar_url="https://cal.example.com/ava-martinez"),
        # --- EMEA (demographic) ---------------------------------------------
        rep("r-hannah", "Hannah Vogel", "hannah.vogel@northwind-analytics.com", "+49 30 5557 0181",
            "Europe/Berlin", weekdays("08:00-17:00"),
            territories=[{"country": "DE"}, {"country": "AT"}, {"country": "CH"}, {"country": "NL"}],
            languages=["de", "en", "nl"], industries=["Manufacturing", "Logistics", "Healthcare"],
            products=["Forecasting", "Data Pipelines"], segments=["mid", "enterprise"],
            seniority="senior", performance=0.33, caps={"day": 8, "month": 120}, status="available",
            calendar_url="https://cal.example.com/hannah-vogel"),
        rep("r-lucas", "Lucas Martin", "lucas.martin@northwind-analytics.com", "+33 1 5557 0123",
            "Europe/Paris", weekdays("09:00-18:00"),
            territories=[{"country": "FR"}, {"country": "BE"}, {"country": "LU"}, {"country": "CH"}],
            languages=["fr", "en"], industries=["Media", "Retail", "Financial Services"],
            products=["Dashboards", "Embedded Analytics"], segments=["smb", "mid"],
            seniority="mid", performance=0.22, caps={"day": 8, "month": 120}, status="available",
            out_of_office=[{"from": "2026-12-21", "to": "2027-01-02"}],
            calendar_url="https://cal.example.com/lucas-martin"),
        rep("r-isabel", "Isabel Navarro", "isabel.navarro@northwind-analytics.com", "+44 20 7946 0958",
            "Europe/London", weekdays("08:30-17:30"),
            territories=[{"country": "GB"}, {"country": "IE"}, {"country": "ES"}, {"country": "PT"}],
            languages=["en", "es", "pt"], industries=["Financial Services", "Software", "Education"],
            products=["Embedded Analytics", "Forecasting"], segments=["smb", "mid", "enterprise"],
            seniority="mid", performance=0.26, caps={"week": 30}, status="available",
            calendar_url="https://cal.example.com/isabel-navarro"),
        # --- Management: fallback owner and SLA escalation ------------------
        rep("r-morgan", "Morgan Hayes", "morgan.hayes@northwind-analytics.com", "+1 212-555-0100",
            "America/New_York", weekdays("08:00-18:00"),
            territories=[{"country": "US"}, {"country": "CA"}],
            languages=["en"], segments=["smb", "mid", "enterprise"],
            seniority="executive", performance=0.35, status="available",
            calendar_url="https://cal.example.com/morgan-hayes"),
    ]

    teams = [
        {
            "id": "enterprise",
            "name": "Enterprise",
            "members": ["r-olivia", "r-marcus", "r-priya"],
            "strategy": {"type": "weighted", "hot_score": 80},
            "sla": sla,
        },
        {
            "id": "mid-market",
            "name": "Mid-Market North America",
            "members": ["r-jake", "r-sofia", "r-liam"],
            "default_owner": "r-morgan",
            "strategy": {
                "type": "territory",
                "fields": {"country": "country", "region": "region", "postal_code": "postal_code"},
                "then": "round_robin",
            },
        },
        {
            "id": "smb",
            "name": "SMB",
            "members": ["r-emma", "r-noah", "r-ava"],
            "strategy": {"type": "round_robin", "skipped": "keeps_place"},
        },
        {
            "id": "emea",
            "name": "EMEA",
            "members": ["r-hannah", "r-lucas", "r-isabel"],
            "default_owner": "r-isabel",
            "strategy": {
                "type": "demographic",
                "required": [{"attribute": "languages", "field": "language"}],
                "preferred": [
                    {"attribute": "industries", "field": "industry"},
                    {"attribute": "products", "field": "product_interest"},
                ],
                "then": "least_loaded",
            },
        },
    ]

    screening = {
        "required": ["email", "company"],
        "rules": [
            {"id": "invalid-email", "when": "email is not valid_email",
             "reason": "Email address is malformed"},
            {"id": "free-email", "when": {"field": "email", "op": "free_email"},
             "reason": "Personal email (free mail provider)"},
            {"id": "competitor",
             "when": "email domain in [" + ", ".join(json.dumps(d) for d in COMPETITORS) + "]",
             "reason": "Competitor domain"},
            {"id": "spam",
             "when": "message contains_any [" + ", ".join(json.dumps(w) for w in SPAM_WORDS) + "]",
             "reason": "Spam keywords in message"},
            {"id": "student",
             "when": {"any": [
                 {"field": "title", "op": "matches", "value": "(?i)\\b(student|intern|trainee)\\b"},
                 {"field": "email", "op": "ends_with", "value": ".edu"},
             ]},
             "reason": "Student or intern"},
        ],
    }

    scoring = {
        "groups": [
            {
                "id": "demographic",
                "max": 50,
                "rules": [
                    {"id": "title-executive",
                     "when": {"field": "title", "op": "matches",
                              "value": "(?i)\\b(chief|ceo|cto|cfo|coo|cio|cdo|founder|president|vp|svp|evp)\\b"},
                     "points": 20},
                    {"id": "title-director",
                     "when": {"field": "title", "op": "matches", "value": "(?i)\\b(director|head of)\\b"},
                     "points": 15},
                    {"id": "title-manager",
                     "when": {"field": "title", "op": "matches", "value": "(?i)\\b(manager|lead)\\b"},
                     "points": 8},
                    {"id": "title-it-buyer",
                     "when": {"field": "title", "op": "contains", "value": "IT", "case_sensitive": True},
                     "points": 4},
                    {"id": "size-enterprise", "when": "company_size >= 1000", "points": 20},
                    {"id": "size-mid", "when": "company_size between 200 and 999", "points": 12},
                    {"id": "size-small", "when": "company_size between 50 and 199", "points": 5},
                    {"id": "industry-fit",
                     "when": {"field": "industry", "op": "in",
                              "value": ["Software", "Financial Services", "Healthcare"]},
                     "points": 10},
                    {"id": "country-core", "when": 'country in ["US", "CA", "GB", "DE"]', "points": 5},
                ],
            },
            {
                "id": "behaviour",
                "max": 50,
                "rules": [
                    {"id": "pages-high", "when": "pages_viewed >= 10", "points": 15},
                    {"id": "pages-some", "when": "pages_viewed between 4 and 9", "points": 8},
                    {"id": "demo-requested",
                     "when": {"field": "demo_requested", "op": "eq", "value": True},
                     "points": 25},
                    {"id": "source-referral", "when": 'source == "referral"', "points": 10},
                    {"id": "source-event",
                     "when": {"field": "source", "op": "in", "value": ["webinar", "partner"]},
                     "points": 6},
                    {"id": "has-phone", "when": "phone exists", "points": 4},
                    {"id": "bounce",
                     "when": 'pages_viewed <= 1 and not (source == "referral" or source == "partner")',
                     "points": -5},
                ],
            },
        ],
        "grades": [
            {"grade": "A", "min": 75},
            {"grade": "B", "min": 55},
            {"grade": "C", "min": 35},
            {"grade": "D", "min": 0},
        ],
        "mql": 30,
    }

    accounts = {
        "field": "email",
        "owners": {dom: a[7] for dom, a in sorted(ACCOUNTS.items())},
    }

    rules = [
        {"id": "strategic-100m", "when": "annual_revenue >= 100000000", "rep": "r-olivia"},
        {"id": "enterprise",
         "when": {"any": [
             {"field": "company_size", "op": "gte", "value": 1000},
             {"field": "annual_revenue", "op": "gte", "value": 50000000},
         ]},
         "team": "enterprise"},
        {"id": "partner-shotgun", "when": 'source == "partner"', "pool": "partner-pool"},
        {"id": "emea",
         "when": {"field": "country", "op": "in", "value": EMEA_COUNTRIES},
         "team": "emea",
         "sla": sla},
        {"id": "na-mid-market",
         "when": 'country in ["US", "CA"] and company_size between 200 and 999',
         "team": "mid-market"},
        {"id": "smb-cherry-pick",
         "when": {"all": [
             {"field": "company_size", "op": "exists"},
             {"field": "company_size", "op": "lt", "value": 200},
         ]},
         "pool": "smb-pool"},
    ]

    pools = [
        {
            "id": "smb-pool",
            "name": "SMB cherry-pick",
            "reps": ["r-emma", "r-noah", "r-ava"],
            "visibility": "cherry_pick",
            "visible_fields": ["industry", "company_size", "country"],
            "claim_limit": {"per_day": 10, "open": 5},
            "expire_after_minutes": 30,
            "expire_to": "smb",
        },
        {
            "id": "partner-pool",
            "name": "Partner referrals (blind)",
            "teams": ["mid-market"],
            "visibility": "blind",
            "visible_fields": ["company"],
            "claim_limit": {"open": 3},
            "expire_after_minutes": 240,
        },
    ]

    fields = {
        "id": "string",
        "first_name": "string",
        "last_name": "string",
        "email": "string",
        "company": "string",
        "title": "string",
        "company_size": "number",
        "annual_revenue": "number",
        "industry": "string",
        "country": "string",
        "region": "string",
        "postal_code": "string",
        "language": "string",
        "product_interest": "string",
        "pages_viewed": "number",
        "demo_requested": "boolean",
        "source": "string",
        "message": "string",
        "phone": "string",
    }

    return {
        "fields": fields,
        "timezone": "America/New_York",
        "reps": reps,
        "teams": teams,
        "screening": screening,
        "scoring": scoring,
        "accounts": accounts,
        "rules": rules,
        "pools": pools,
        "fallback": "r-morgan",
    }


# ---------------------------------------------------------------------------
# Config check (mirrors src/config/raw.rs; every struct denies unknown keys)
# ---------------------------------------------------------------------------

KEYS = {
    "Config": ({"reps", "fallback"},
               {"fields", "timezone", "reps", "teams", "screening", "scoring", "accounts",
                "rules", "pools", "fallback", "crm"}),
    "Rep": ({"id"}, {"id", "name", "email", "phone", "territories", "languages", "industries",
                     "products", "segments", "seniority", "performance", "caps", "status",
                     "hours", "out_of_office", "calendar_url"}),
    "Territory": ({"country"}, {"country", "regions", "postal_prefixes"}),
    "Caps": (set(), {"day", "week", "month"}),
    "Hours": (set(), {"tz", "mon", "tue", "wed", "thu", "fri", "sat", "sun"}),
    "DateRange": ({"from", "to"}, {"from", "to"}),
    "Team": ({"id", "members"}, {"id", "name", "members", "default_owner", "strategy", "sla"}),
    "TerritoryFields": (set(), {"country", "region", "postal_code"}),
    "AttributeMatch": ({"attribute", "field"}, {"attribute", "field"}),
    "Screening": (set(), {"required", "rules"}),
    "ScreeningRule": ({"id", "when", "reason"}, {"id", "when", "reason"}),
    "Scoring": ({"groups"}, {"groups", "grades", "mql"}),
    "ScoreGroup": ({"id", "rules"}, {"id", "max", "rules"}),
    "ScoreRule": ({"id", "when", "points"}, {"id", "when", "points"}),
    "Grade": ({"grade", "min"}, {"grade", "min"}),
    "Accounts": ({"owners"}, {"field", "owners"}),
    "Rule": ({"id"}, {"id", "when", "rep", "team", "pool", "sla"}),
    "Pool": ({"id"}, {"id", "name", "reps", "teams", "visibility", "visible_fields",
                      "claim_limit", "expire_after_minutes", "expire_to"}),
    "ClaimLimit": (set(), {"per_day", "open"}),
    "Sla": ({"first_touch_minutes"}, {"first_touch_minutes", "remind_after_minutes",
                                      "escalate_to", "reroute"}),
}
STRATEGY_KEYS = {
    "round_robin": {"type", "skipped"},
    "weighted": {"type", "hot_score"},
    "least_loaded": {"type", "period"},
    "territory": {"type", "fields", "then"},
    "demographic": {"type", "required", "preferred", "then"},
}
ENUMS = {
    "field_type": {"string", "number", "boolean"},
    "status": {"available", "busy", "away", "out_of_office"},
    "skip": {"keeps_place", "loses_turn"},
    "pick": {"round_robin", "weighted", "least_loaded"},
    "period": {"day", "week", "month"},
    "attribute": {"languages", "industries", "products", "segments", "seniority"},
    "visibility": {"cherry_pick", "blind"},
}
SCALAR_OPS = {"eq", "ne", "gt", "gte", "lt", "lte"}
ARRAY_OPS = {"in", "not_in", "contains_any", "domain_in"}
STRING_OPS = {"contains", "starts_with", "ends_with", "matches"}
NOVALUE_OPS = {"exists", "missing", "free_email", "business_email", "valid_email"}
TEXT_KEYWORDS = {"and", "or", "not", "in", "between", "contains", "starts_with", "ends_with",
                 "matches", "contains_any", "domain", "exists", "missing", "is", "true", "false",
                 "free_email", "business_email", "valid_email"}
BUILTIN_FIELDS = {"id": "string", "score": "number", "grade": "string"}
HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Checker:
    def __init__(self, cfg):
        self.cfg = cfg
        self.errors = []

    def err(self, path, msg):
        self.errors.append("%s: %s" % (path, msg))

    def keys(self, obj, kind, path):
        required, allowed = KEYS[kind]
        if not isinstance(obj, dict):
            self.err(path, "expected object for %s" % kind)
            return
        for k in obj:
            if k not in allowed:
                self.err(path, "unknown key %r in %s" % (k, kind))
        for k in required:
            if k not in obj:
                self.err(path, "missing key %r in %s" % (k, kind))

    def enum(self, value, kind, path):
        if value not in ENUMS[kind]:
            self.err(path, "%r is not a valid %s" % (value, kind))

    def field(self, name, path):
        if name not in self.cfg.get("fields", {}) and name not in BUILTIN_FIELDS:
            self.err(path, "field %r is not declared" % name)

    def cond(self, c, path):
        if isinstance(c, str):
            self.text_cond(c, path)
        elif isinstance(c, dict):
            if "all" in c or "any" in c:
                k = "all" if "all" in c else "any"
                if set(c) != {k} or not isinstance(c[k], list):
                    self.err(path, "bad %s node" % k)
                    return
                for i, sub in enumerate(c[k]):
                    self.cond(sub, "%s.%s[%d]" % (path, k, i))
            elif "not" in c:
                if set(c) != {"not"}:
                    self.err(path, "bad not node")
                self.cond(c["not"], path + ".not")
            else:
                extra = set(c) - {"field", "op", "value", "case_sensitive"}
                if extra:
                    self.err(path, "unknown keys %s" % sorted(extra))
                self.field(c.get("field"), path + ".field")
                op = c.get("op")
                v = c.get("value")
                if op in SCALAR_OPS:
                    ok = isinstance(v, (str, int, float, bool))
                elif op in ARRAY_OPS:
                    ok = isinstance(v, list) and len(v) > 0
                elif op == "between":
                    ok = isinstance(v, list) and len(v) == 2
                elif op in STRING_OPS:
                    ok = isinstance(v, str)
                    if ok and op == "matches":
                        try:
                            re.compile(v)
                        except re.error as e:
                            self.err(path, "bad regex: %s" % e)
                elif op in NOVALUE_OPS:
                    ok = "value" not in c
                else:
                    self.err(path, "unknown op %r" % op)
                    return
                if not ok:
                    self.err(path, "bad value for op %r" % op)
        else:
            self.err(path, "condition must be a string or an object")

    def text_cond(self, s, path):
        # Lightweight: strip string literals, then every identifier that is not
        # a keyword must be a declared field.
        stripped = re.sub(r'"(?:[^"\\]|\\.)*"', '""', s)
        if stripped.count("(") != stripped.count(")") or stripped.count("[") != stripped.count("]"):
            self.err(path, "unbalanced brackets in %r" % s)
        for ident in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", stripped):
            if ident not in TEXT_KEYWORDS:
                self.field(ident, path)

    def sla(self, s, path, reps):
        self.keys(s, "Sla", path)
        if s.get("escalate_to") is not None and s["escalate_to"] not in reps:
            self.err(path, "escalate_to %r is not a rep" % s["escalate_to"])

    def run(self):
        cfg = self.cfg
        self.keys(cfg, "Config", "$")
        for name, t in cfg.get("fields", {}).items():
            self.enum(t, "field_type", "$.fields.%s" % name)
        reps = {}
        for i, r in enumerate(cfg["reps"]):
            p = "$.reps[%d]" % i
            self.keys(r, "Rep", p)
            if r["id"] in reps:
                self.err(p, "duplicate rep id")
            reps[r["id"]] = r
            for j, t in enumerate(r.get("territories", [])):
                self.keys(t, "Territory", "%s.territories[%d]" % (p, j))
            if "caps" in r:
                self.keys(r["caps"], "Caps", p + ".caps")
            if "status" in r:
                self.enum(r["status"], "status", p + ".status")
            if "hours" in r:
                self.keys(r["hours"], "Hours", p + ".hours")
                for d, span in r["hours"].items():
                    if d != "tz" and not HHMM.match(span):
                        self.err(p + ".hours." + d, "bad span %r" % span)
            for j, d in enumerate(r.get("out_of_office", [])):
                self.keys(d, "DateRange", "%s.out_of_office[%d]" % (p, j))
                if not (DATE.match(d["from"]) and DATE.match(d["to"]) and d["from"] <= d["to"]):
                    self.err(p, "bad out_of_office range")
            perf = r.get("performance")
            if perf is not None and not isinstance(perf, (int, float)):
                self.err(p, "performance must be a number")
        teams = {}
        for i, t in enumerate(cfg.get("teams", [])):
            p = "$.teams[%d]" % i
            self.keys(t, "Team", p)
            teams[t["id"]] = t
            for m in t["members"]:
                if m not in reps:
                    self.err(p, "member %r is not a rep" % m)
            if t.get("default_owner") is not None and t["default_owner"] not in reps:
                self.err(p, "default_owner is not a rep")
            st = t.get("strategy")
            if st is not None:
                kind = st.get("type")
                if kind not in STRATEGY_KEYS:
                    self.err(p, "unknown strategy %r" % kind)
                else:
                    for k in st:
                        if k not in STRATEGY_KEYS[kind]:
                            self.err(p, "unknown key %r in %s strategy" % (k, kind))
                    if "skipped" in st:
                        self.enum(st["skipped"], "skip", p)
                    if "period" in st:
                        self.enum(st["period"], "period", p)
                    if "then" in st:
                        self.enum(st["then"], "pick", p)
                    if "fields" in st:
                        self.keys(st["fields"], "TerritoryFields", p + ".strategy.fields")
                        for f in st["fields"].values():
                            self.field(f, p + ".strategy.fields")
                    for k in ("required", "preferred"):
                        for j, a in enumerate(st.get(k, [])):
                            q = "%s.strategy.%s[%d]" % (p, k, j)
                            self.keys(a, "AttributeMatch", q)
                            self.enum(a["attribute"], "attribute", q)
                            self.field(a["field"], q)
            if "sla" in t:
                self.sla(t["sla"], p + ".sla", reps)
        pools = {}
        for i, pl in enumerate(cfg.get("pools", [])):
            p = "$.pools[%d]" % i
            self.keys(pl, "Pool", p)
            pools[pl["id"]] = pl
            for r in pl.get("reps", []):
                if r not in reps:
                    self.err(p, "rep %r unknown" % r)
            for t in pl.get("teams", []):
                if t not in teams:
                    self.err(p, "team %r unknown" % t)
            self.enum(pl.get("visibility", "cherry_pick"), "visibility", p)
            for f in pl.get("visible_fields", []):
                self.field(f, p + ".visible_fields")
            if "claim_limit" in pl:
                self.keys(pl["claim_limit"], "ClaimLimit", p + ".claim_limit")
            if "expire_to" in pl and pl["expire_to"] not in teams:
                self.err(p, "expire_to %r is not a team" % pl["expire_to"])
            if not pl.get("reps") and not pl.get("teams"):
                self.err(p, "pool has nobody who can claim")
        if "screening" in cfg:
            sc = cfg["screening"]
            self.keys(sc, "Screening", "$.screening")
            for f in sc.get("required", []):
                self.field(f, "$.screening.required")
            for i, r in enumerate(sc.get("rules", [])):
                p = "$.screening.rules[%d]" % i
                self.keys(r, "ScreeningRule", p)
                self.cond(r["when"], p + ".when")
        if "scoring" in cfg:
            sc = cfg["scoring"]
            self.keys(sc, "Scoring", "$.scoring")
            for i, g in enumerate(sc["groups"]):
                p = "$.scoring.groups[%d]" % i
                self.keys(g, "ScoreGroup", p)
                for j, r in enumerate(g["rules"]):
                    q = "%s.rules[%d]" % (p, j)
                    self.keys(r, "ScoreRule", q)
                    self.cond(r["when"], q + ".when")
            for i, g in enumerate(sc.get("grades", [])):
                self.keys(g, "Grade", "$.scoring.grades[%d]" % i)
        if "accounts" in cfg:
            ac = cfg["accounts"]
            self.keys(ac, "Accounts", "$.accounts")
            self.field(ac.get("field", "email"), "$.accounts.field")
            for dom, owner in ac["owners"].items():
                if owner not in reps:
                    self.err("$.accounts.owners." + dom, "owner %r is not a rep" % owner)
        for i, r in enumerate(cfg.get("rules", [])):
            p = "$.rules[%d]" % i
            self.keys(r, "Rule", p)
            targets = [k for k in ("rep", "team", "pool") if k in r]
            if len(targets) != 1:
                self.err(p, "exactly one of rep/team/pool")
            if "rep" in r and r["rep"] not in reps:
                self.err(p, "rep unknown")
            if "team" in r and r["team"] not in teams:
                self.err(p, "team unknown")
            if "pool" in r and r["pool"] not in pools:
                self.err(p, "pool unknown")
            if "when" in r:
                self.cond(r["when"], p + ".when")
            if "sla" in r:
                self.sla(r["sla"], p + ".sla", reps)
        if cfg["fallback"] not in reps:
            self.err("$.fallback", "not a rep")
        return self.errors


# ---------------------------------------------------------------------------
# Leads
# ---------------------------------------------------------------------------

FIRST = {
    "en": ["James", "Mary", "Michael", "Jennifer", "David", "Sarah", "Daniel", "Jessica", "Chris",
           "Ashley", "Kevin", "Emily", "Brian", "Megan", "Ryan", "Lauren", "Jason", "Rachel",
           "Aisha", "Carlos", "Wei", "Mei", "Tyler", "Hannah", "Andre", "Nicole", "Omar", "Grace",
           "Ethan", "Olivia", "Marcus", "Priya", "Diego", "Kimberly", "Samuel", "Chloe"],
    "gb": ["Oliver", "Amelia", "Harry", "Isla", "George", "Ava", "Jack", "Emily", "Charlie",
           "Sophie", "Thomas", "Poppy", "William", "Freya", "Alfie", "Imogen", "Rhys", "Niamh"],
    "de": ["Lukas", "Anna", "Jonas", "Lena", "Maximilian", "Laura", "Felix", "Julia", "Tobias",
           "Katrin", "Jürgen", "Sabine", "Stefan", "Miriam", "Björn", "Anke"],
    "fr": ["Louis", "Camille", "Hugo", "Léa", "Julien", "Manon", "Mathieu", "Chloé", "Antoine",
           "Élodie", "François", "Inès", "Nicolas", "Aurélie"],
    "es": ["Javier", "Lucía", "Alejandro", "María", "Pablo", "Carmen", "Sergio", "Elena",
           "Álvaro", "Paula", "Iñigo", "Marta"],
    "nl": ["Daan", "Emma", "Sem", "Sanne", "Bram", "Femke", "Thijs", "Lotte", "Joost", "Anouk"],
    "pt": ["João", "Ana", "Pedro", "Beatriz", "Lucas", "Mariana", "Gabriel", "Larissa",
           "Rafael", "Camila"],
    "in": ["Arjun", "Priya", "Rahul", "Ananya", "Vikram", "Sneha", "Rohan", "Kavya", "Aditya",
           "Neha", "Sanjay", "Divya"],
    "au": ["Jack", "Charlotte", "Lachlan", "Matilda", "Cooper", "Ruby", "Harrison", "Zoe",
           "Mitchell", "Isabella"],
}
LAST = {
    "en": ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
           "Rodriguez", "Martinez", "Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Jackson",
           "Lee", "Nguyen", "Patel", "Kim", "Walker", "Hall", "Young", "King", "Wright", "Lopez",
           "Hill", "Scott", "Green", "Adams", "Baker", "Nelson", "Carter", "Mitchell", "O'Brien",
           "Washington", "Cohen", "Okafor", "Chen"],
    "gb": ["Smith", "Jones", "Taylor", "Evans", "Thomas", "Roberts", "Walker", "Wright",
           "Hughes", "Edwards", "Green", "Hall", "Clarke", "Patel", "Khan", "Murphy", "Davies"],
    "de": ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
           "Schulz", "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann"],
    "fr": ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
           "Leroy", "Moreau", "Lefèvre", "Girard", "Rousseau", "Fontaine"],
    "es": ["García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez",
           "Pérez", "Gómez", "Ruiz", "Díaz", "Navarro"],
    "nl": ["de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Visser",
           "Smit", "Meijer", "de Boer", "Mulder", "Bos"],
    "pt": ["Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira",
           "Lima", "Gomes", "Costa", "Ribeiro"],
    "in": ["Sharma", "Verma", "Gupta", "Iyer", "Reddy", "Nair", "Mehta", "Kapoor", "Singh",
           "Menon", "Rao", "Joshi"],
    "au": ["Smith", "Jones", "Williams", "Brown", "Wilson", "Taylor", "Johnson", "White",
           "Martin", "Anderson", "Thompson", "Nguyen"],
}

# country -> (weight, language, name-set, tld, legal suffix, phone format, regions)
# regions: list of (region, weight, postal prefixes or postal generator)
COUNTRIES = {
    "US": (55, "en", "en", ".com", ["Inc.", "LLC", "Corp.", ""], "+1 {a}-555-01{b:02d}"),
    "CA": (7, "en", "en", ".ca", ["Inc.", "Ltd.", ""], "+1 {a}-555-01{b:02d}"),
    "GB": (10, "en", "gb", ".co.uk", ["Ltd", "plc", ""], "+44 20 7946 0{b:03d}"),
    "DE": (7, "de", "de", ".de", ["GmbH", "AG", "SE"], "+49 30 5557 0{b:03d}"),
    "FR": (5, "fr", "fr", ".fr", ["SAS", "SA", ""], "+33 1 5557 0{b:03d}"),
    "ES": (3, "es", "es", ".es", ["S.L.", "S.A."], "+34 91 555 0{b:03d}"),
    "NL": (3, "nl", "nl", ".nl", ["B.V.", "N.V."], "+31 20 555 0{b:03d}"),
    "AU": (4, "en", "au", ".com.au", ["Pty Ltd", ""], "+61 2 5550 0{b:03d}"),
    "BR": (3, "pt", "pt", ".com.br", ["Ltda.", "S.A."], "+55 11 5555-0{b:03d}"),
    "IN": (3, "en", "in", ".in", ["Pvt Ltd", "Ltd"], "+91 22 5555 0{b:03d}"),
}

US_STATES = [
    # state, weight, postal prefixes, area codes
    ("NY", 14, ["100", "101", "102", "104", "112", "146", "122"], [212, 646, 718, 585]),
    ("CA", 16, ["900", "902", "921", "941", "945", "950", "958"], [415, 310, 408, 619, 916]),
    ("TX", 10, ["750", "752", "770", "787"], [214, 713, 512]),
    ("IL", 6, ["606", "605"], [312, 773]),
    ("MA", 6, ["021", "022"], [617, 781]),
    ("WA", 6, ["980", "981"], [206, 425]),
    ("FL", 6, ["331", "328", "336"], [305, 407, 813]),
    ("GA", 4, ["303"], [404]),
    ("CO", 4, ["802", "803"], [303, 720]),
    ("PA", 4, ["191", "152"], [215, 412]),
    ("NJ", 4, ["070", "076"], [201, 973]),
    ("NC", 4, ["282", "277"], [704, 919]),
    ("OR", 3, ["972"], [503]),
    ("AZ", 3, ["850", "852"], [602, 480]),
    ("VA", 3, ["222", "201"], [703, 571]),
    ("MN", 3, ["554"], [612]),
    ("OH", 3, ["432", "441"], [614, 216]),
    ("MI", 2, ["482"], [313]),
    ("UT", 2, ["841"], [801]),
    ("MO", 2, ["631"], [314]),
]
CA_PROVINCES = [("ON", 45, ["M5V", "M4W", "K1P", "L5B"], [416, 647, 613]),
                ("QC", 20, ["H2X", "H3B", "G1R"], [514, 438]),
                ("BC", 22, ["V6B", "V6C", "V5K"], [604, 778]),
                ("AB", 13, ["T2P", "T5J"], [403, 780])]
OTHER_REGIONS = {
    "GB": [("England", 80, ["EC1A", "SW1A", "M1", "B3", "LS1", "BS1"]), ("Scotland", 12, ["EH1", "G2"]),
           ("Wales", 8, ["CF10"])],
    "DE": [("BE", 30, ["101", "104"]), ("BY", 30, ["803", "804"]), ("HH", 15, ["203"]),
           ("NW", 25, ["506", "402"])],
    "FR": [("IDF", 60, ["750", "920"]), ("ARA", 25, ["690"]), ("PAC", 15, ["130"])],
    "ES": [("MD", 55, ["280"]), ("CT", 45, ["080"])],
    "NL": [("NH", 55, ["101", "102"]), ("ZH", 30, ["301", "251"]), ("UT", 15, ["351"])],
    "AU": [("NSW", 50, ["20"]), ("VIC", 35, ["30"]), ("QLD", 15, ["40"])],
    "BR": [("SP", 70, ["01", "04"]), ("RJ", 30, ["20", "22"])],
    "IN": [("MH", 40, ["400"]), ("KA", 35, ["560"]), ("DL", 25, ["110"])],
}

NAME_A = ["Blue", "North", "Silver", "Summit", "Cedar", "Harbor", "Iron", "Bright", "Pine",
          "Red", "Stone", "Clear", "Green", "Atlas", "Nova", "Orbit", "Quantum", "Vertex",
          "Lumen", "Apex", "Crest", "River", "Falcon", "Oak", "Maple", "Copper", "Sky", "Delta",
          "Beacon", "Prairie", "Granite", "Coral", "Aspen", "Willow", "Tidal", "Ember", "Polar"]
NAME_B = ["field", "wave", "line", "point", "gate", "bridge", "stack", "forge", "path", "leaf",
          "works", "mark", "view", "core", "scale", "span", "shore", "ridge", "rock", "light"]
INDUSTRY_WORD = {
    "Software": ["Software", "Labs", "Systems", "Technologies", "Cloud"],
    "Financial Services": ["Capital", "Financial", "Bank", "Insurance", "Partners"],
    "Healthcare": ["Health", "Medical", "Clinics", "Biosciences", "Care"],
    "Retail": ["Retail", "Stores", "Outfitters", "Market", "Brands"],
    "Manufacturing": ["Manufacturing", "Industries", "Components", "Fabrication", "Materials"],
    "Logistics": ["Logistics", "Freight", "Shipping", "Supply", "Transport"],
    "Media": ["Media", "Studios", "Publishing", "Digital", "Broadcasting"],
    "Education": ["Learning", "Academy", "Education", "Schools", "EdTech"],
}
INDUSTRY_WEIGHTS = [22, 15, 13, 12, 12, 9, 9, 8]

TITLES = [
    # title, weight, seniority class
    ("CEO", 3, "exec"), ("CTO", 4, "exec"), ("CFO", 2, "exec"), ("Chief Data Officer", 3, "exec"),
    ("Co-Founder", 2, "exec"), ("VP Sales", 4, "exec"), ("VP of Engineering", 3, "exec"),
    ("VP Finance", 2, "exec"), ("SVP Operations", 1, "exec"),
    ("Head of Data", 5, "dir"), ("Head of Analytics", 4, "dir"), ("Director of BI", 5, "dir"),
    ("Director of IT", 3, "dir"), ("Director, Revenue Operations", 3, "dir"),
    ("Head of Growth", 2, "dir"),
    ("Analytics Manager", 6, "mgr"), ("IT Manager", 4, "mgr"), ("Data Engineering Lead", 4, "mgr"),
    ("Product Manager", 4, "mgr"), ("Finance Manager", 3, "mgr"), ("Sales Ops Manager", 3, "mgr"),
    ("Data Analyst", 8, "ic"), ("Business Analyst", 6, "ic"), ("BI Developer", 4, "ic"),
    ("Data Scientist", 4, "ic"), ("Software Engineer", 4, "ic"), ("Analyst", 4, "ic"),
    ("Consultant", 3, "ic"), ("Operations Coordinator", 2, "ic"),
    ("Student", 3, "junk"), ("Marketing Intern", 2, "junk"), ("Intern", 1, "junk"),
    ("Graduate Student", 1, "junk"),
]

MESSAGES = [
    "Looking to replace our spreadsheets with live dashboards for the exec team.",
    "We need embedded analytics inside our customer portal. What does pricing look like?",
    "Interested in a demo of forecasting for our sales pipeline.",
    "Our data team is evaluating tools to consolidate reporting across 4 regions.",
    "Can Northwind connect to Snowflake and Postgres? We have ~200 users.",
    "Saw your webinar on data pipelines, would like to learn more.",
    "We're migrating off a legacy BI tool before our renewal in Q1.",
    "Need SOC 2 and SSO details before we can move forward.",
    "Quick question about per-seat vs. usage pricing, please call me.",
    "Referred by a colleague, she said \"Northwind cut our reporting time in half\".",
    "Evaluating vendors for a company-wide KPI program, budget approved.",
    "Do you offer a non-profit or education discount?",
    "Just browsing for now.",
    "Please send a case study for manufacturing, thanks!",
    "Our partner recommended Northwind for demand forecasting.",
    "Trying to get a trial extension, our POC needs two more weeks.",
]
SPAM_MESSAGES = [
    "Buy cheap VIAGRA online, best prices guaranteed!!!",
    "Best online casino bonus 500% - click now",
    "We offer SEO services and high-quality backlinks for your site.",
    "Exclusive crypto giveaway, send 0.1 BTC to receive 1 BTC",
    "Fast payday loan approval, no credit check",
]


def wchoice(rng, items, weights):
    return rng.choices(items, weights=weights, k=1)[0]


def ascii_slug(s):
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]", "", s.lower())


def make_company(rng, country, industry):
    cdef = COUNTRIES[country]
    a, b = rng.choice(NAME_A), rng.choice(NAME_B)
    word = rng.choice(INDUSTRY_WORD[industry])
    suffix = rng.choice(cdef[4])
    name = "%s%s %s" % (a, b, word)
    if suffix:
        name += " " + suffix
    style = rng.random()
    if style < 0.5:
        dom = ascii_slug(a + b)
    elif style < 0.8:
        dom = ascii_slug(a + b) + "-" + ascii_slug(word)
    else:
        dom = ascii_slug(a + b + word)
    tld = cdef[3]
    if country not in ("US",) and rng.random() < 0.25:
        tld = ".com"
    if industry == "Software" and rng.random() < 0.3:
        tld = ".io"
    return name, dom + tld


def company_size_for(rng):
    band = rng.random()
    if band < 0.45:
        return rng.choice([rng.randint(2, 49), rng.randint(10, 199), rng.randint(50, 199)])
    if band < 0.80:
        return min(999, 200 + int(rng.expovariate(1 / 260.0)))
    if band < 0.95:
        return rng.randint(1000, 4999)
    return rng.randint(5000, 60000)


def revenue_for(rng, size, industry):
    per_emp = {"Financial Services": 200000, "Software": 150000, "Healthcare": 100000,
               "Retail": 90000, "Manufacturing": 120000, "Logistics": 100000,
               "Media": 100000, "Education": 50000}[industry]
    rev = size * per_emp * rng.uniform(0.3, 1.2)
    if rev >= 10000000:
        return int(round(rev, -5))
    return int(round(rev, -4))


def email_for(rng, first, last, domain):
    f, l = ascii_slug(first), ascii_slug(last)
    style = rng.random()
    if style < 0.55:
        local = "%s.%s" % (f, l)
    elif style < 0.8:
        local = f[0] + l
    elif style < 0.92:
        local = f
    else:
        local = "%s_%s" % (f, l)
    return "%s@%s" % (local, domain)


def malformed_email(rng, first, last, domain):
    f, l = ascii_slug(first), ascii_slug(last)
    kind = rng.randrange(5)
    if kind == 0:
        return "%s.%s@%s" % (f, l, domain.split(".")[0])  # no TLD
    if kind == 1:
        return "%s.%s.%s" % (f, l, domain)  # no @
    if kind == 2:
        return "%s@@%s" % (f, domain)
    if kind == 3:
        return "%s %s@%s" % (f, l, domain)  # space
    return "@" + domain  # no local part


def postal_for(rng, country, prefix):
    if country == "US":
        return prefix + "".join(str(rng.randrange(10)) for _ in range(5 - len(prefix)))
    if country == "CA":
        return "%s %d%s%d" % (prefix, rng.randrange(10), rng.choice("ABCEGHJKLMNPRSTVWXYZ"),
                              rng.randrange(10))
    if country == "GB":
        return "%s %d%s" % (prefix, rng.randrange(10),
                            "".join(rng.choice("ABDEFGHJLNPQRSTUWXYZ") for _ in range(2)))
    if country in ("DE", "FR", "ES"):
        return prefix + "".join(str(rng.randrange(10)) for _ in range(5 - len(prefix)))
    if country == "NL":
        return "%s%d %s" % (prefix, rng.randrange(10),
                            "".join(rng.choice("ABCDEGHJKLMNPRSTVWXZ") for _ in range(2)))
    if country == "AU":
        return prefix + "".join(str(rng.randrange(10)) for _ in range(4 - len(prefix)))
    if country == "BR":
        return "%s%s-%03d" % (prefix, "".join(str(rng.randrange(10)) for _ in range(5 - len(prefix))),
                              rng.randrange(1000))
    if country == "IN":
        return prefix + "".join(str(rng.randrange(10)) for _ in range(6 - len(prefix)))
    return prefix


def location_for(rng, country):
    """Return (region, postal_code, phone)."""
    b = rng.randrange(100)
    if country == "US":
        st = wchoice(rng, US_STATES, [s[1] for s in US_STATES])
        prefix = rng.choice(st[2])
        phone = COUNTRIES["US"][5].format(a=rng.choice(st[3]), b=b)
        return st[0], postal_for(rng, "US", prefix), phone
    if country == "CA":
        pv = wchoice(rng, CA_PROVINCES, [p[1] for p in CA_PROVINCES])
        phone = COUNTRIES["CA"][5].format(a=rng.choice(pv[3]), b=b)
        return pv[0], postal_for(rng, "CA", rng.choice(pv[2])), phone
    regs = OTHER_REGIONS[country]
    r = wchoice(rng, regs, [x[1] for x in regs])
    phone = COUNTRIES[country][5].format(a=0, b=rng.randrange(1000))
    return r[0], postal_for(rng, country, rng.choice(r[2])), phone


def created_at(rng, country):
    """ISO 8601 UTC timestamp between 2026-11-02 and 2026-11-27, mostly local business hours."""
    start = dt.date(2026, 11, 2)
    days = [start + dt.timedelta(days=i) for i in range(26)]
    # Offset of local business hours from UTC (November: US on standard time).
    utc_offset = {"US": -6, "CA": -6, "GB": 0, "DE": 1, "FR": 1, "ES": 1, "NL": 1,
                  "AU": 11, "BR": -3, "IN": 5.5}[country]
    if rng.random() < 0.84:
        weekdays_ = [d for d in days if d.weekday() < 5]
        w = [0.35 if (d == dt.date(2026, 11, 26) or d == dt.date(2026, 11, 27)) and country == "US"
             else 1.0 for d in weekdays_]
        day = wchoice(rng, weekdays_, w)
        local_minutes = rng.randint(8 * 60, 18 * 60 - 1)
    else:
        day = rng.choice(days)
        if day.weekday() < 5:
            local_minutes = rng.choice([rng.randint(0, 7 * 60), rng.randint(19 * 60, 24 * 60 - 1)])
        else:
            local_minutes = rng.randint(7 * 60, 23 * 60)
    local = dt.datetime(day.year, day.month, day.day) + dt.timedelta(
        minutes=local_minutes, seconds=rng.randrange(60))
    utc = local - dt.timedelta(hours=utc_offset)
    lo = dt.datetime(2026, 11, 2)
    hi = dt.datetime(2026, 11, 27, 23, 59, 59)
    if utc < lo:
        utc += dt.timedelta(days=1)
    elif utc > hi:
        utc -= dt.timedelta(days=1)
    return utc.strftime("%Y-%m-%dT%H:%M:%SZ")


def pages_for(rng):
    # Skewed: most visitors read a few pages, some binge.
    return min(40, int(rng.expovariate(1 / 5.0)) + 1)


def make_lead(rng):
    countries = list(COUNTRIES)
    country = wchoice(rng, countries, [COUNTRIES[c][0] for c in countries])
    cdef = COUNTRIES[country]
    language = cdef[1]
    names = cdef[2]
    first = rng.choice(FIRST[names])
    last = rng.choice(LAST[names])
    region, postal, phone = location_for(rng, country)
    if country == "CA" and region == "QC":
        language = "fr"
    industry = wchoice(rng, INDUSTRIES, INDUSTRY_WEIGHTS)

    flags = set()
    roll = rng.random()
    account = None
    if roll < 0.06:
        dom = rng.choice(sorted(ACCOUNTS))
        account = dom
        a = ACCOUNTS[dom]
        company, country, region, postal, industry = a[0], a[1], a[2], a[3], a[4]
        size, revenue = a[5], a[6]
        language = {"DE": "de", "FR": "fr"}.get(country, "en")
        names = {"DE": "de", "FR": "fr", "GB": "gb"}.get(country, "en")
        first, last = rng.choice(FIRST[names]), rng.choice(LAST[names])
        _, _, phone = location_for(rng, country)
        email = email_for(rng, first, last, dom)
        flags.add("account")
    else:
        company, dom = make_company(rng, country, industry)
        size = company_size_for(rng)
        revenue = revenue_for(rng, size, industry)
        r = rng.random()
        if r < 0.135:
            email = email_for(rng, first, last, rng.choice(FREE_MAIL))
            if rng.random() < 0.5:
                email = email.split("@")[0] + str(rng.randint(1, 99)) + "@" + email.split("@")[1]
            flags.add("free")
        elif r < 0.165:
            email = malformed_email(rng, first, last, dom)
            flags.add("invalid")
        elif r < 0.18:
            cdom = rng.choice(COMPETITORS)
            email = email_for(rng, first, last, cdom)
            company = {"datapulse.io": "DataPulse", "insightforge.com": "InsightForge Inc.",
                       "chartwell-bi.com": "Chartwell BI", "metricly.io": "Metricly"}[cdom]
            industry = "Software"
            flags.add("competitor")
        else:
            email = email_for(rng, first, last, dom)

    title, _, tclass = wchoice(rng, TITLES, [t[1] for t in TITLES])
    if tclass == "junk":
        flags.add("student")
        size = size if account else rng.randint(2, 400)
        if not account and rng.random() < 0.35:
            uni = rng.choice(["stateu.edu", "techinstitute.edu", "citycollege.edu"])
            email = email_for(rng, first, last, uni)
            company = rng.choice(["State University", "Tech Institute", "City College"])
            industry = "Education"
    if size >= 1000 and tclass == "ic" and rng.random() < 0.3:
        title = rng.choice(["Senior Data Analyst", "Staff Engineer", "Principal Consultant"])

    product = wchoice(rng, PRODUCTS, [35, 22, 23, 20])
    pages = pages_for(rng)
    demo = rng.random() < min(0.75, 0.08 + pages * 0.03 + (0.1 if tclass in ("exec", "dir") else 0))
    source = wchoice(rng, SOURCES, [40, 18, 10, 10, 22])

    lead = {
        "created_at": created_at(rng, country),
        "first_name": first,
        "last_name": last,
        "email": email,
        "company": company,
        "title": title,
        "company_size": size,
        "annual_revenue": revenue,
        "industry": industry,
        "country": country,
        "region": region,
        "postal_code": postal,
        "language": language,
        "product_interest": product,
        "pages_viewed": pages,
        "demo_requested": demo,
        "source": source,
    }

    m = rng.random()
    if m < 0.025:
        lead["message"] = rng.choice(SPAM_MESSAGES)
        flags.add("spam")
    elif m < 0.72:
        lead["message"] = rng.choice(MESSAGES)
    if rng.random() < 0.6 or (demo and rng.random() < 0.5):
        lead["phone"] = phone

    # Imperfect data, as in real forms.
    if rng.random() < 0.07 and "account" not in flags:
        del lead["annual_revenue"]
    if rng.random() < 0.015:
        del lead["company"]
        flags.add("no-company")
    if rng.random() < 0.03 and country not in ("US", "CA"):
        del lead["region"]

    # Known outcome, loosely following the scoring model.
    q = 0.0
    q += {"exec": 20, "dir": 15, "mgr": 8, "ic": 0, "junk": 0}[tclass]
    q += 20 if size >= 1000 else 12 if size >= 200 else 5 if size >= 50 else 0
    q += 10 if industry in ("Software", "Financial Services", "Healthcare") else 0
    q += 5 if country in ("US", "CA", "GB", "DE") else 0
    q += 15 if pages >= 10 else 8 if pages >= 4 else 0
    q += 25 if demo else 0
    q += {"referral": 10, "webinar": 6, "partner": 6}.get(source, 0)
    q += 4 if "phone" in lead else 0
    q += 15 if account else 0
    junk = flags & {"free", "invalid", "competitor", "spam", "student", "no-company"}
    if junk:
        p = 0.0 if flags & {"invalid", "competitor", "spam", "student"} else 0.03
    else:
        p = max(0.01, min(0.6, (q - 25) / 130.0))
    converted = rng.random() < p
    deal = 0
    if converted:
        if size >= 1000:
            deal = rng.uniform(60000, 240000)
        elif size >= 200:
            deal = rng.uniform(18000, 65000)
        else:
            deal = rng.uniform(4000, 18000)
        deal = int(round(deal * (1.2 if product == "Embedded Analytics" else 1.0), -2))
    lead["converted"] = converted
    lead["deal_value"] = deal
    return lead


FIELD_ORDER = [
    "id", "created_at", "first_name", "last_name", "email", "company", "title", "company_size",
    "annual_revenue", "industry", "country", "region", "postal_code", "language",
    "product_interest", "pages_viewed", "demo_requested", "source", "message", "phone",
    "converted", "deal_value",
]
CSV_RENAME = {"email": "Email Address", "company": "Company Name", "company_size": "Employees"}


def build_leads(rng):
    leads = [make_lead(rng) for _ in range(N_LEADS)]
    leads.sort(key=lambda l: l["created_at"])
    out = []
    for i, l in enumerate(leads, 1):
        l["id"] = "L%04d" % i
        out.append({k: l[k] for k in FIELD_ORDER if k in l})
    return out


def leads_csv(leads):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([CSV_RENAME.get(k, k) for k in FIELD_ORDER])
    for l in leads:
        row = []
        for k in FIELD_ORDER:
            v = l.get(k)
            if v is None:
                row.append("")
            elif isinstance(v, bool):
                row.append("true" if v else "false")
            else:
                row.append(str(v))
        w.writerow(row)
    return buf.getvalue()


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "data")
    rng = random.Random(SEED)

    cfg = build_config()
    errors = Checker(cfg).run()
    if errors:
        for e in errors:
            print("config error: " + e, file=sys.stderr)
        sys.exit(1)
    cfg_text = json.dumps(cfg, indent=2, ensure_ascii=False) + "\n"
    json.loads(cfg_text)

    leads = build_leads(rng)
    fields = cfg["fields"]
    for l in leads:
        for k, v in l.items():
            t = fields.get(k)
            if t == "number":
                assert isinstance(v, (int, float)) and not isinstance(v, bool), (l["id"], k)
            elif t == "boolean":
                assert isinstance(v, bool), (l["id"], k)
            elif t == "string":
                assert isinstance(v, str), (l["id"], k)

    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "default-config.json"), "w", encoding="utf-8", newline="\n") as f:
        f.write(cfg_text)
    with open(os.path.join(out_dir, "sample-leads.jsonl"), "w", encoding="utf-8", newline="\n") as f:
        for l in leads:
            f.write(json.dumps(l, ensure_ascii=False) + "\n")
    with open(os.path.join(out_dir, "sample-leads.csv"), "w", encoding="utf-8", newline="") as f:
        f.write(leads_csv(leads))

    conv = sum(1 for l in leads if l["converted"])
    print("wrote config (%d reps, %d teams, %d rules) and %d leads (%d converted) to %s"
          % (len(cfg["reps"]), len(cfg["teams"]), len(cfg["rules"]), len(leads), conv, out_dir),
          file=sys.stderr)


if __name__ == "__main__":
    main()

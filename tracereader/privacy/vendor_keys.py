"""Vendor key formats detect-secrets 1.5 has no plugin for, written as its own plugins are.

Each is a `RegexBasedDetector` (detect-secrets' base class), so `secrets.find_secrets` calls
them exactly as it calls the library's: `analyze_string` yields the raw values. The formats
are the vendors' published prefixes; lengths are lower bounds so rotated formats still match.
"""

from __future__ import annotations

import re

from detect_secrets.plugins.base import RegexBasedDetector

_END = r"(?![A-Za-z0-9_\-])"


class AnthropicKeyDetector(RegexBasedDetector):
    """Anthropic API and admin keys (`sk-ant-api03-…`, `sk-ant-admin01-…`)."""

    secret_type = "Anthropic API Key"
    denylist = (re.compile(r"sk-ant-[a-z]+\d*-[A-Za-z0-9_\-]{20,}" + _END),)


class OpenAIProjectKeyDetector(RegexBasedDetector):
    """OpenAI keys in the formats after `T3BlbkFJ` (project, service-account, admin, legacy)."""

    secret_type = "OpenAI API Key (project)"
    denylist = (
        re.compile(r"sk-(?:proj|svcacct|admin|None)-[A-Za-z0-9_\-]{20,}" + _END),
        re.compile(r"(?<![A-Za-z0-9_\-])sk-[A-Za-z0-9]{32,}" + _END),
    )


class GoogleApiKeyDetector(RegexBasedDetector):
    """Google Cloud / Maps / Gemini API keys (`AIza` + 35 characters)."""

    secret_type = "Google API Key"
    denylist = (re.compile(r"AIza[0-9A-Za-z_\-]{35}"),)


class HuggingFaceTokenDetector(RegexBasedDetector):
    """Hugging Face user and organization tokens (`hf_…`, `api_org_…`)."""

    secret_type = "Hugging Face Token"
    denylist = (re.compile(r"(?<![A-Za-z0-9_])(?:hf_|api_org_)[A-Za-z0-9]{30,}" + _END),)


class GitHubFineGrainedTokenDetector(RegexBasedDetector):
    """GitHub fine-grained personal access tokens (`github_pat_…`)."""

    secret_type = "GitHub Fine-Grained Token"
    denylist = (re.compile(r"github_pat_[A-Za-z0-9_]{22,}"),)


class StripeAnyKeyDetector(RegexBasedDetector):
    """Stripe secret and restricted keys in live and test mode (the library has live only)."""

    secret_type = "Stripe Key (any mode)"
    denylist = (re.compile(r"(?:sk|rk)_(?:live|test)_[0-9a-zA-Z]{16,}"),)


class SlackAnyTokenDetector(RegexBasedDetector):
    """Slack bot, user, app and refresh tokens in their newer shapes (`xoxb-…`, `xapp-…`)."""

    secret_type = "Slack Token (any shape)"
    denylist = (re.compile(r"(?<![A-Za-z0-9])(?:xox[abposre]|xapp)-[A-Za-z0-9\-]{10,}"),)


class JwtWholeDetector(RegexBasedDetector):
    """JSON Web Tokens with their signature: the library's pattern stops after the payload."""

    secret_type = "JSON Web Token (whole)"
    denylist = (re.compile(r"eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]*"),)


class AwsSessionKeyDetector(RegexBasedDetector):
    """AWS access key ids of every prefix the library's plugin leaves out."""

    secret_type = "AWS Access Key (other prefixes)"
    denylist = (re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA)[A-Z0-9]{16}"),)


class PrefixedTokenDetector(RegexBasedDetector):
    """Tokens that announce their vendor by a prefix: Shopify, Notion, npm, PyPI, Mailgun,
    Linear, Stripe webhooks, Google OAuth client secrets and access tokens, Django, Doppler,
    Vercel, Supabase, Postman, Databricks, DigitalOcean, Heroku, Atlassian, Grafana."""

    secret_type = "Vendor-prefixed token"
    denylist = (
        re.compile(r"(?<![A-Za-z0-9_])shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}" + _END),
        re.compile(r"(?<![A-Za-z0-9_])(?:secret_[A-Za-z0-9]{43}|ntn_[A-Za-z0-9]{40,})" + _END),
        re.compile(r"(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}" + _END),
        re.compile(r"pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\-]{20,}"),
        re.compile(r"(?<![A-Za-z0-9_\-])key-[0-9a-f]{32}" + _END),
        re.compile(r"(?<![A-Za-z0-9_])lin_(?:api|oauth)_[A-Za-z0-9]{32,}" + _END),
        re.compile(r"(?<![A-Za-z0-9_])whsec_[A-Za-z0-9+/=]{24,}"),
        re.compile(r"(?<![A-Za-z0-9_])GOCSPX-[A-Za-z0-9_\-]{20,}"),
        re.compile(r"(?<![A-Za-z0-9_])ya29\.[A-Za-z0-9_\-]{20,}"),
        re.compile(r"django-insecure-[^\s\"']{20,}"),
        re.compile(r"(?<![A-Za-z0-9_])dp\.(?:st|ct|sa|scim)\.[A-Za-z0-9_\-.]{20,}"),
        re.compile(r"(?<![A-Za-z0-9_])sbp_[a-f0-9]{40}" + _END),
        re.compile(r"(?<![A-Za-z0-9_])PMAK-[a-f0-9]{24}-[a-f0-9]{34}" + _END),
        re.compile(r"(?<![A-Za-z0-9_])dapi[a-f0-9]{32}" + _END),
        re.compile(r"(?<![A-Za-z0-9_])do[opr]_v1_[a-f0-9]{64}" + _END),
        re.compile(r"(?<![A-Za-z0-9_])glsa_[A-Za-z0-9_]{32,}" + _END),
        re.compile(r"(?<![A-Za-z0-9_])ATATT3[A-Za-z0-9_\-=]{50,}"),
        re.compile(r"(?<![A-Za-z0-9_])(?:SK|AC)[0-9a-fA-F]{32}" + _END),
    )


EXTRA_DETECTORS: tuple[type[RegexBasedDetector], ...] = (
    AnthropicKeyDetector,
    OpenAIProjectKeyDetector,
    GoogleApiKeyDetector,
    HuggingFaceTokenDetector,
    GitHubFineGrainedTokenDetector,
    StripeAnyKeyDetector,
    SlackAnyTokenDetector,
    AwsSessionKeyDetector,
    JwtWholeDetector,
    PrefixedTokenDetector,
)

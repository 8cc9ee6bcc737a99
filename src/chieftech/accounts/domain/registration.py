"""The public self-registration as an anonymous visitor meets it: limited per address, and silent about which
credit codes and user names are already in use.

Whether the registration was taken in or refused because its credit code or user name is in use, the visitor
is told the same thing ("申请已提交，我们已向该邮箱发送说明"); the real outcome goes only to the mailbox given,
which a guesser trying others' codes does not read. Format errors (a wrong check digit, a weak password)
concern nobody else and still show at their field.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from chieftech.accounts.domain.checks import USCC_TAKEN, USERNAME_TAKEN, username_normalize
from chieftech.accounts.domain.enterprises import enterprise_registration_submit
from chieftech.core.dates import datetime_zh
from chieftech.core.errors import DomainError
from chieftech.core.notify import email_enqueue
from chieftech.core.ratelimit import RateLimit, rate_limit_hit, rate_limit_undo
from chieftech.core.site import site_authority

RATE_WINDOW = timedelta(hours=1)
EMAIL_REQUIRED = "请填写电子邮箱，注册申请的受理情况和审核结果将发送到该邮箱。"


def registration_rate() -> RateLimit:
    return RateLimit(
        scope="registration-ip", limit=settings.REGISTRATIONS_PER_IP_PER_HOUR, window=RATE_WINDOW
    )


def enterprise_registration_request(
    *,
    ip: str | None,
    uscc: str,
    name: str,
    town: str,
    industry: str,
    industry_focus: str,
    address: str,
    contact_name: str,
    contact_phone: str,
    username: str,
    password: str,
    email: str,
    now: datetime | None = None,
) -> None:
    """Take in a registration from the portal, or mail the address given why it cannot be taken in.

    Returns the same (nothing) in both cases; raises DomainError only for what the visitor may be told: a
    format error at its field, or too many registrations from this address within the hour."""
    now = now or timezone.now()
    email = (email or "").strip()
    if not email:
        raise DomainError(EMAIL_REQUIRED, field="email", code="required")
    # Counted before saving and shared by every worker; given back when the form only had a typo.
    rate, address = registration_rate(), ip or "unknown"
    if not rate_limit_hit(rate, address, now=now):
        raise DomainError(
            f"同一网络每小时最多提交{rate.limit}份注册申请，请稍后再试，或联系{site_authority()}。",
            code="rate_limited",
        )
    taken: dict = {}
    try:
        enterprise = enterprise_registration_submit(
            uscc=uscc,
            name=name,
            town=town,
            industry=industry,
            industry_focus=industry_focus,
            address=address,
            contact_name=contact_name,
            contact_phone=contact_phone,
            username=username,
            password=password,
            email=email,
            taken=taken,
        )
    except DomainError as exc:
        if exc.code != "taken":
            rate_limit_undo(rate, address, now=now)
            raise
        # The accepted path hashes the password; so does this one, or its speed would tell the two apart.
        make_password(password)
        _mail_not_taken_in(email=email, uscc=uscc, username=username, problems=exc.message_dict, now=now)
        return
    email_enqueue(
        to=[email],
        subject="企业注册申请已提交",
        body=f"贵单位“{enterprise.name}”的注册申请已于{datetime_zh(now)}提交，用户名为“{username_normalize(username)}”，"
        f"正在等待{site_authority()}审核。您可以用该用户名和注册时设置的密码登录查看审核进度，审核结果也将通知您。"
        f"如非本单位操作，请联系{site_authority()}。",
    )


def _mail_not_taken_in(*, email: str, uscc: str, username: str, problems: dict, now: datetime) -> None:
    if USCC_TAKEN in problems.get("uscc", []):
        reason = (
            f"统一社会信用代码“{uscc.strip().upper()}”对应的企业已在本系统登记，同一企业不能重复注册。"
            f"如需为本单位开通经办人账号，请联系本单位已有的企业经办人，或联系{site_authority()}。"
        )
    elif USERNAME_TAKEN in problems.get("username", []):
        reason = f"用户名“{username_normalize(username)}”已被使用，请换一个用户名重新提交注册申请。"
    else:
        reason = "统一社会信用代码或用户名已被占用，请核对后重新提交。"
    email_enqueue(
        to=[email],
        subject="企业注册申请未能受理",
        body=f"您于{datetime_zh(now)}提交的企业注册申请未能受理：{reason}如非本人操作，请忽略本邮件。",
    )

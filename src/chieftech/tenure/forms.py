from django import forms

from chieftech.selection.domain.evidence import MAX_FILE_BYTES, MB
from chieftech.tenure.domain.holders import InviteChannel
from chieftech.tenure.domain.showcase import SUMMARY_MAX_CHARS

CONSENT_CHOICES = [("yes", "本人同意在门户展示"), ("no", "不同意或已撤回同意（不在门户展示）")]


class ShowcaseForm(forms.Form):
    consent = forms.ChoiceField(label="门户展示", choices=CONSENT_CHOICES, widget=forms.RadioSelect)
    summary = forms.CharField(
        label="事迹简介（公开）",
        required=False,
        # The length is checked by the domain rule, which says how long the text is.
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": SUMMARY_MAX_CHARS}),
        help_text=f"将在门户公开，不超过{SUMMARY_MAX_CHARS}字；不得包含电话、身份证号、银行账号、详细住址等个人信息。",
    )
    photo = forms.FileField(
        label="照片",
        required=False,
        help_text=f"JPG或PNG格式，不超过{MAX_FILE_BYTES // MB}MB。保存时自动去除拍摄地点等附加信息。",
        widget=forms.FileInput(attrs={"accept": ".jpg,.jpeg,.png,image/jpeg,image/png"}),
    )
    remove_photo = forms.BooleanField(label="删除现有照片", required=False)


class HolderInviteForm(forms.Form):
    channel = forms.ChoiceField(
        label="发送激活链接的方式", choices=InviteChannel.choices, widget=forms.RadioSelect
    )
    email = forms.CharField(
        label="本人电子邮箱",
        required=False,
        max_length=254,
        help_text="选择电子邮件时填写。申报材料中没有电子邮箱，请填写首席技师本人的邮箱，保存在其账号中。",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )

"""The officer's decision form: the outcome, a verdict and note per condition, the reason.

A condition the checks leave to the officer has its verdict asked; one the checks decided may be overturned
with a note. Whether the verdicts agree with the outcome is review.domain.decision's to say."""

from django import forms

from chieftech.review.domain.checks import FAIL, PASS, CheckResult
from chieftech.review.domain.decision import OUTCOMES

VERDICT_CHOICES = [(PASS, "符合"), (FAIL, "不符合")]


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="复核结论",
        choices=list(OUTCOMES.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "请选择复核结论。"},
    )
    reason = forms.CharField(
        label="理由",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="复核未通过或退回补正时必填，将告知本人和用人单位。",
    )

    def __init__(self, *args, results: list[CheckResult], **kwargs):
        super().__init__(*args, **kwargs)
        self.results = results
        for result in results:
            needed = result.officer_needed or result.verdict == "judge"
            self.fields[f"verdict_{result.number}"] = forms.ChoiceField(
                label=f"{result.article}{result.title}",
                choices=VERDICT_CHOICES,
                required=False,
                widget=forms.RadioSelect,
                help_text="" if needed else "已按自动核查结果选定；改变结果须说明理由。",
                # The automatic result stands unless the officer changes it; a judge one is asked afresh.
                initial=None if needed else result.verdict,
            )
            self.fields[f"note_{result.number}"] = forms.CharField(
                label=f"{result.article}说明", required=False, max_length=1000
            )

    def verdicts(self) -> dict[int, dict[str, str]]:
        data = self.cleaned_data
        return {
            r.number: {
                "verdict": data.get(f"verdict_{r.number}", ""),
                "note": data.get(f"note_{r.number}", ""),
            }
            for r in self.results
        }

    def condition_rows(self) -> list[tuple]:
        return [(r, self[f"verdict_{r.number}"], self[f"note_{r.number}"]) for r in self.results]

from django import forms


class EraseForm(forms.Form):
    """Erasing cannot be undone, so the admin types the person's email address to confirm."""

    confirm = forms.CharField(label="Type their email address to confirm", max_length=254)

    def __init__(self, *args: object, email: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.email = email

    def clean_confirm(self) -> str:
        typed: str = self.cleaned_data["confirm"].strip()
        if typed.lower() != self.email.lower():
            raise forms.ValidationError("That is not their email address: nothing was erased.")
        return typed

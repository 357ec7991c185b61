"""Admin pages for Encompass reference data: term dates per local authority (with a CSV
import) and the local authorities' secure addresses. Audited like all admin changes."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path

from vigil.core.admin import AuditedAdmin
from vigil.core.errors import CommandError
from vigil.encompass import checks, services
from vigil.encompass.models import LocalAuthorityContact, SchoolTerm


class SchoolTermForm(forms.ModelForm):
    class Meta:
        model = SchoolTerm
        fields = ("local_authority", "school_year", "term", "starts_on", "ends_on",
                  "half_term_starts", "half_term_ends")

    def clean(self):
        data = super().clean()
        for field, _, reason in checks.check_term(data):
            self.add_error(field if field in self.fields else None, reason)
        area = data.get("local_authority")
        if area and data.get("starts_on") and data.get("ends_on") and not self.errors:
            others = SchoolTerm.objects.filter(local_authority=area).exclude(
                pk=self.instance.pk).exclude(school_year=data.get("school_year"),
                                             term=data.get("term"))
            terms = [(str(t), t.starts_on, t.ends_on) for t in others]
            terms.append(("this term", data["starts_on"], data["ends_on"]))
            for _, _, reason in checks.check_terms_do_not_overlap(terms):
                raise ValidationError(reason)
        return data


class TermImportForm(forms.Form):
    file = forms.FileField(label="Term dates (CSV)", help_text=(
        "Columns: " + ", ".join(services.TERM_COLUMNS) + ". Dates as YYYY-MM-DD; "
        "local_authority is the area code or the local authority's name."))


@admin.register(SchoolTerm)
class SchoolTermAdmin(AuditedAdmin):
    form = SchoolTermForm
    list_display = ("local_authority", "school_year", "term", "starts_on", "ends_on",
                    "half_term_starts", "half_term_ends")
    list_filter = ("local_authority", "school_year", "term")
    list_select_related = ("local_authority",)
    change_list_template = "encompass/admin_term_changelist.html"

    def get_urls(self):
        return [path("import/", self.admin_site.admin_view(self.import_view),
                     name="encompass_schoolterm_import"), *super().get_urls()]

    def import_view(self, request):
        form = TermImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                text = upload.read().decode("utf-8")
                count = services.import_terms(text, actor=request.user, source=upload.name)
            except UnicodeDecodeError:
                form.add_error("file", f"{upload.name} is not UTF-8 text")
            except CommandError as exc:
                for line in str(exc).splitlines():
                    form.add_error("file", line)
            else:
                messages.success(request, f"{count} term{'s' if count != 1 else ''} stored "
                                          f"from {upload.name}.")
                return redirect("admin:encompass_schoolterm_changelist")
        return render(request, "encompass/admin_term_import.html", {
            **self.admin_site.each_context(request), "form": form,
            "opts": self.model._meta, "title": "Import term dates"})


@admin.register(LocalAuthorityContact)
class LocalAuthorityContactAdmin(AuditedAdmin):
    list_display = ("local_authority", "encompass_email", "childrens_services_email")
    list_select_related = ("local_authority",)

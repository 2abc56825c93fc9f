"""The console's form for a report staff take down for a citizen (phone call, walk-in, letter,
social-media post): the citizens' report form, with the channel and its reference, worded for
the operator. The rules stay in complaints.services (record_taken, then submit)."""

from django import forms
from django.utils.translation import gettext_lazy

from laksana.complaints.models import Channel
from laksana.complaints.services import TAKEN_CHANNELS
from laksana.portal.forms import ReportForm


class TakenReportForm(ReportForm):
    channel = forms.ChoiceField(
        label=gettext_lazy("Diterima lewat"),
        choices=[(c.value, c.label) for c in map(Channel, TAKEN_CHANNELS)],
        initial=Channel.PHONE,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Pilih saluran laporan ini masuk."),
            "invalid_choice": gettext_lazy("Saluran tidak dikenal."),
        },
    )
    source = forms.CharField(
        label=gettext_lazy("Rujukan (boleh dikosongkan)"),
        help_text=gettext_lazy(
            "Nomor surat, alamat unggahan media sosial, atau catatan lain tentang asal laporan."
        ),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"maxlength": 100}),
    )
    website = None  # the citizens' honeypot: staff are signed in

    def __init__(self, region, *args, **kwargs):
        super().__init__(region, *args, **kwargs)
        self.fields["description"].label = gettext_lazy("Isi laporan")
        self.fields["description"].help_text = gettext_lazy(
            "Tulis dengan kata-kata pelapor: apa yang terjadi, sejak kapan, siapa yang terdampak."
        )
        self.fields["name"].label = gettext_lazy("Nama pelapor (boleh dikosongkan)")
        self.fields["phone"].label = gettext_lazy("Nomor HP pelapor (boleh dikosongkan)")
        self.fields["email"].label = gettext_lazy("E-mail pelapor (boleh dikosongkan)")
        self.fields["email"].help_text = gettext_lazy(
            "Dengan nomor HP atau e-mail, pelapor dapat melacak laporannya; kabar perkembangan "
            "dikirim ke kontak yang tersedia."
        )
        self.fields["photos"].label = gettext_lazy("Foto dari pelapor (boleh dikosongkan)")
        self.fields["anonymous"].help_text = gettext_lazy(
            "Pelapor minta namanya disembunyikan dari publik dan dari OPD yang menangani."
        )
        self.fields["confidential"].help_text = gettext_lazy(
            "Pelapor minta seluruh laporan tidak ditampilkan untuk umum."
        )

    def submission(self) -> dict:
        data = self.cleaned_data
        return {**super().submission(), "channel": data["channel"], "source": data["source"]}

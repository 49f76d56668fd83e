"""The information CGI art. 242 bis 1° requires "à l'occasion de chaque transaction" of a
platform operator (details: CGI annexe IV art. 23 L sexies): the tax regimes and social
rules of the sums she receives, the declarations and payments they call for with the tax
administration and URSSAF, the penalties for failing them, and electronic links to the
administrations' sites. Sending those links legibly in the message of each payment is what
the annex deems sufficient; the BOFiP (BOI-BIC-DECLA-30-70-40-20) publishes the official
list of links: check it when going live, it moves with the administrations' sites.

2° of the article (the yearly summary, by 31 January, of the number and gross amount of her
transactions) is her DAC7 statement (`marketplace/dac7`), announced here.

Shown to the secretary on the contract page once she has been paid, on the payouts page, and
in each e-mail that tells her of a payment (`PAYMENT_KINDS`, notifications/emails.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

# The notifications that tell the secretary money was paid to her.
PAYMENT_KINDS = frozenset({"contract_released", "timesheet_approved", "dispute_resolved"})

IMPOTS_URL = "https://www.impots.gouv.fr/professionnel"
URSSAF_URL = "https://www.urssaf.fr/accueil/independant.html"
AUTOENTREPRENEUR_URL = "https://www.autoentrepreneur.urssaf.fr"


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class TaxNotice:
    paragraphs: tuple[str, ...]
    links: tuple[Link, ...]


def notice() -> TaxNotice:
    """In the current language (the e-mail forces the reader's)."""
    return TaxNotice(
        paragraphs=(
            _(
                "Les sommes versées par la plateforme sont des revenus de votre activité "
                "indépendante : vous devez les déclarer à l'administration fiscale (impôt sur "
                "le revenu, en bénéfices non commerciaux ou industriels et commerciaux selon "
                "votre activité, ou impôt sur les sociétés) et à l'URSSAF, qui calcule vos "
                "cotisations sociales. En micro-entreprise, vous déclarez votre chiffre "
                "d'affaires à l'URSSAF chaque mois ou chaque trimestre et payez les cotisations "
                "correspondantes."
            ),
            _(
                "Si vous facturez la TVA, vous la déclarez et la reversez au Trésor ; sous la "
                "franchise en base (art. 293 B du CGI), vous surveillez le seuil de chiffre "
                "d'affaires au-delà duquel la TVA devient due."
            ),
            _(
                "Un oubli ou un retard de déclaration ou de paiement entraîne des intérêts de "
                "retard et des majorations (art. 1727 à 1729 du CGI), et des majorations de "
                "retard sur les cotisations sociales."
            ),
            _(
                "Chaque année, au plus tard le 31 janvier, la plateforme vous adresse le "
                "récapitulatif des sommes perçues l'année précédente (nombre et montant brut "
                "des transactions), qu'elle transmet aussi à l'administration fiscale : il est "
                "dans votre espace, page « Informations fiscales »."
            ),
        ),
        links=(
            Link(_("impots.gouv.fr : vos impôts de professionnel"), IMPOTS_URL),
            Link(_("urssaf.fr : vos cotisations de travailleur indépendant"), URSSAF_URL),
            Link(
                _("autoentrepreneur.urssaf.fr : déclarer votre chiffre d'affaires"),
                AUTOENTREPRENEUR_URL,
            ),
        ),
    )

"""The French texts of the demo data: missions, headlines, bios, bids, reviews, disputes.

Texts that speak about the secretary take the grammatical gender from `{e}` ("" or "e")
so that "installé{e}" reads right for a man and for a woman.
"""

from __future__ import annotations

from dataclasses import dataclass

# What a business has in mind per hour, in euros, per specialty (low, high).
HOURLY_BUDGET_EUROS: dict[str, tuple[int, int]] = {
    "medical": (26, 34),
    "legal": (27, 36),
    "insurance": (25, 32),
    "industry": (25, 33),
    "general": (22, 30),
}

SPECIALTY_ADJECTIVES: dict[str, str] = {
    "medical": "médicale",
    "legal": "juridique",
    "insurance": "spécialisée en assurances",
    "industry": "spécialisée dans l'industrie",
    "general": "polyvalente",
}

SPECIALTY_ADJECTIVES_MALE: dict[str, str] = {
    "medical": "médical",
    "legal": "juridique",
    "insurance": "spécialisé en assurances",
    "industry": "spécialisé dans l'industrie",
    "general": "polyvalent",
}


@dataclass(frozen=True)
class MissionTemplate:
    """A typical need. `{n}` takes a number drawn from `n`, `{weeks}` a duration in weeks,
    `{city}` the business's city."""

    specialty: str
    title: str
    description: str
    skills: tuple[str, ...]
    pricing: str  # "fixed" or "hourly"
    hours: tuple[int, int]
    n: tuple[int, int] = (1, 1)
    onsite: bool = False  # the work is better done on the premises
    sensitive: bool = False  # confidential documents: often posted as confidential


MISSIONS: tuple[MissionTemplate, ...] = (
    # --- médical -----------------------------------------------------------------------------
    MissionTemplate(
        "medical",
        "Frappe de comptes rendus de consultation",
        "Cabinet de cardiologie : environ {n} comptes rendus par semaine à taper à partir de "
        "dictées numériques déposées chaque soir sur un espace sécurisé. Mise en forme selon nos "
        "modèles Word et retour sous 48 heures. La maîtrise du vocabulaire médical est "
        "indispensable.",
        ("medical_transcription", "word_processing", "transcription"),
        "hourly",
        (20, 60),
        n=(30, 80),
        sensitive=True,
    ),
    MissionTemplate(
        "medical",
        "Prise de rendez-vous et gestion de l'agenda du cabinet",
        "Nous cherchons une télésecrétaire pour répondre aux appels de nos {n} praticiens du "
        "lundi au vendredi de 8 h à 12 h, gérer l'agenda en ligne et filtrer les urgences selon "
        "nos consignes. Les rendez-vous sont confirmés par SMS la veille.",
        ("appointment_booking", "phone_reception", "customer_service"),
        "hourly",
        (40, 120),
        n=(2, 5),
    ),
    MissionTemplate(
        "medical",
        "Remplacement de notre secrétaire médicale pendant son congé",
        "Notre secrétaire part en congé maternité : nous cherchons un relais pendant {weeks} "
        "semaines pour l'accueil téléphonique, la prise de rendez-vous et le classement des "
        "résultats d'analyses dans le dossier patient informatisé.",
        ("phone_reception", "appointment_booking", "mail_processing"),
        "hourly",
        (60, 200),
        sensitive=True,
    ),
    MissionTemplate(
        "medical",
        "Comptes rendus opératoires en chirurgie orthopédique",
        "Clinique privée : frappe d'environ {n} comptes rendus opératoires dictés par deux "
        "chirurgiens orthopédistes. Vocabulaire spécialisé (prothèses, ostéosynthèse), "
        "relecture attentive et envoi au secrétariat sous 24 heures.",
        ("medical_transcription", "transcription"),
        "fixed",
        (15, 40),
        n=(40, 120),
        sensitive=True,
    ),
    MissionTemplate(
        "medical",
        "Relance des rejets de tiers payant",
        "Rapprocher les règlements des mutuelles avec les feuilles de soins télétransmises, "
        "identifier les rejets et relancer les organismes complémentaires. Environ {n} dossiers "
        "en attente depuis le début de l'année ; un tableau de suivi Excel est attendu.",
        ("billing", "spreadsheets"),
        "fixed",
        (12, 35),
        n=(80, 250),
    ),
    MissionTemplate(
        "medical",
        "Accueil téléphonique du cabinet le samedi matin",
        "Notre cabinet de médecine générale ouvre le samedi de 9 h à 12 h. Nous cherchons une "
        "secrétaire pour prendre les appels à distance, orienter les patients et remplir "
        "l'agenda des consultations de la semaine suivante.",
        ("phone_reception", "appointment_booking"),
        "hourly",
        (12, 40),
    ),
    MissionTemplate(
        "medical",
        "Numérisation et indexation de dossiers patients",
        "Avant notre passage au dossier patient informatisé, environ {n} dossiers papier sont à "
        "numériser, indexer et classer dans le logiciel du cabinet à {city}. Travail sur place, "
        "dans le respect strict du secret médical.",
        ("transcription", "mail_processing"),
        "fixed",
        (30, 80),
        n=(300, 1200),
        onsite=True,
        sensitive=True,
    ),
    MissionTemplate(
        "medical",
        "Courriers aux confrères et lettres de liaison",
        "Mise en forme des courriers aux médecins correspondants à partir de notes manuscrites "
        "scannées, envoi par messagerie sécurisée de santé et archivage dans le dossier du "
        "patient. Environ {n} courriers par semaine.",
        ("medical_transcription", "word_processing", "mail_processing"),
        "hourly",
        (15, 45),
        n=(15, 40),
        sensitive=True,
    ),
    MissionTemplate(
        "medical",
        "Rappel des patients pour la campagne de vaccination",
        "Appeler les patients de plus de 65 ans de la patientèle (environ {n} personnes) pour "
        "leur proposer un rendez-vous de vaccination contre la grippe, et envoyer un courrier "
        "aux personnes injoignables par publipostage.",
        ("phone_reception", "appointment_booking", "mail_merge"),
        "fixed",
        (15, 40),
        n=(200, 600),
    ),
    MissionTemplate(
        "medical",
        "Secrétariat d'un centre d'imagerie : comptes rendus de radiologie",
        "Centre d'imagerie médicale : frappe des comptes rendus d'échographie et de scanner à "
        "partir des dictées des radiologues, environ {n} par jour, avec un délai de retour de "
        "quatre heures en semaine.",
        ("medical_transcription", "transcription", "word_processing"),
        "hourly",
        (40, 140),
        n=(20, 60),
        sensitive=True,
    ),
    # --- juridique -----------------------------------------------------------------------------
    MissionTemplate(
        "legal",
        "Mise en forme de conclusions et de bordereaux de pièces",
        "Cabinet d'avocats en droit social : mise en forme de conclusions à partir de projets "
        "annotés, numérotation des pièces et préparation des bordereaux de communication. "
        "Environ {n} dossiers par mois ; maîtrise de Word exigée (styles, renvois, tables des "
        "matières).",
        ("legal_drafting", "word_processing"),
        "hourly",
        (20, 70),
        n=(6, 15),
        sensitive=True,
    ),
    MissionTemplate(
        "legal",
        "Frappe de dictées juridiques",
        "Trois avocats dictent leurs courriers, assignations et notes de consultation sur "
        "dictaphone numérique. Nous cherchons une secrétaire juridique pour les taper sous 48 "
        "heures, environ {n} minutes d'enregistrement par semaine.",
        ("transcription", "legal_drafting", "word_processing"),
        "hourly",
        (20, 80),
        n=(60, 180),
        sensitive=True,
    ),
    MissionTemplate(
        "legal",
        "Mise en forme d'actes notariés",
        "Étude notariale : mise en forme d'actes de vente et de promesses à partir de nos "
        "trames, vérification des annexes et préparation des copies authentiques. Environ {n} "
        "actes par mois, logiciel de rédaction d'actes fourni.",
        ("legal_drafting", "word_processing", "mail_processing"),
        "hourly",
        (30, 90),
        n=(10, 30),
        sensitive=True,
    ),
    MissionTemplate(
        "legal",
        "Accueil téléphonique et prise de rendez-vous pour un cabinet d'avocats",
        "Permanence téléphonique du lundi au vendredi : accueil des clients, filtrage des "
        "appels, prise de rendez-vous dans l'agenda partagé des associés et transmission des "
        "messages urgents par e-mail.",
        ("phone_reception", "appointment_booking", "customer_service"),
        "hourly",
        (40, 120),
    ),
    MissionTemplate(
        "legal",
        "Facturation des honoraires et relances clients",
        "Établir les notes d'honoraires à partir des relevés de temps, les envoyer aux clients "
        "et relancer les factures impayées depuis plus de 45 jours (environ {n} factures en "
        "retard). Logiciel de gestion du cabinet fourni.",
        ("billing", "spreadsheets"),
        "fixed",
        (10, 30),
        n=(30, 90),
    ),
    MissionTemplate(
        "legal",
        "Saisie des échéances de procédure",
        "Reprise de {n} dossiers contentieux : relever les dates d'audience et les délais de "
        "procédure, les saisir dans l'agenda du cabinet et préparer les rappels. Une grande "
        "rigueur est indispensable.",
        ("transcription", "spreadsheets"),
        "fixed",
        (10, 25),
        n=(60, 200),
        sensitive=True,
    ),
    MissionTemplate(
        "legal",
        "Traitement du courrier et des notifications",
        "Ouverture et enregistrement du courrier scanné chaque matin, classement dans les "
        "dossiers clients, envoi des lettres recommandées électroniques et suivi des accusés "
        "de réception.",
        ("mail_processing", "word_processing"),
        "hourly",
        (20, 60),
        sensitive=True,
    ),
    MissionTemplate(
        "legal",
        "Préparation des dossiers de plaidoirie",
        "Assemblage des dossiers de plaidoirie pour les audiences des prochaines semaines : "
        "impression, classement des pièces, sommaires et intercalaires, dans nos locaux de "
        "{city}.",
        ("word_processing", "mail_processing"),
        "hourly",
        (15, 45),
        onsite=True,
        sensitive=True,
    ),
    MissionTemplate(
        "legal",
        "Transcription d'entretiens pour un audit social",
        "Transcription intégrale de {n} entretiens enregistrés (45 minutes chacun en moyenne) "
        "réalisés dans le cadre d'un audit social, avec anonymisation des noms.",
        ("transcription",),
        "fixed",
        (15, 50),
        n=(8, 20),
        sensitive=True,
    ),
    MissionTemplate(
        "legal",
        "Constitution de dossiers de succession",
        "Étude notariale : collecte des pièces auprès des héritiers et des organismes (banques, "
        "caisses de retraite, assureurs), relances par courrier et par téléphone, tenue du "
        "tableau de suivi pour environ {n} dossiers ouverts.",
        ("mail_processing", "phone_reception", "spreadsheets"),
        "hourly",
        (30, 90),
        n=(15, 40),
        sensitive=True,
    ),
    # --- assurances ----------------------------------------------------------------------------
    MissionTemplate(
        "insurance",
        "Gestion des déclarations de sinistres",
        "Cabinet de courtage IARD : enregistrement des déclarations de sinistres reçues par "
        "e-mail, ouverture des dossiers dans notre logiciel, demande des pièces manquantes aux "
        "assurés et suivi auprès des compagnies. Environ {n} déclarations par mois.",
        ("customer_service", "mail_processing", "phone_reception"),
        "hourly",
        (30, 100),
        n=(40, 120),
    ),
    MissionTemplate(
        "insurance",
        "Campagne d'appels pour le renouvellement des contrats",
        "Appeler nos clients professionnels dont le contrat multirisque arrive à échéance "
        "(environ {n} entreprises), vérifier leurs informations et fixer un rendez-vous avec "
        "leur conseiller.",
        ("telemarketing", "customer_service", "appointment_booking"),
        "fixed",
        (20, 60),
        n=(100, 300),
    ),
    MissionTemplate(
        "insurance",
        "Publipostage des avis d'échéance",
        "Préparer et envoyer le publipostage des avis d'échéance annuels (environ {n} "
        "courriers) à partir de l'extraction de notre logiciel, avec contrôle des adresses et "
        "suivi des retours.",
        ("mail_merge", "spreadsheets", "mail_processing"),
        "fixed",
        (8, 25),
        n=(400, 1500),
    ),
    MissionTemplate(
        "insurance",
        "Prospection téléphonique auprès des artisans",
        "Courtier spécialisé en mutuelle santé et prévoyance des indépendants : prise de "
        "rendez-vous qualifiés auprès des artisans de la région de {city}. Argumentaire et "
        "fichier fournis, objectif de {n} rendez-vous par semaine.",
        ("telemarketing", "appointment_booking"),
        "hourly",
        (30, 100),
        n=(5, 12),
    ),
    MissionTemplate(
        "insurance",
        "Relance des pièces manquantes des dossiers d'adhésion",
        "Environ {n} dossiers d'adhésion sont incomplets (justificatifs, RIB, questionnaires "
        "de santé) : relances par e-mail puis par téléphone, mise à jour du logiciel et "
        "transmission des dossiers complets aux compagnies.",
        ("mail_processing", "phone_reception", "customer_service"),
        "fixed",
        (15, 40),
        n=(60, 180),
        sensitive=True,
    ),
    MissionTemplate(
        "insurance",
        "Saisie de contrats dans le logiciel de courtage",
        "Reprise de notre portefeuille après changement de logiciel : saisie de {n} contrats "
        "(garanties, échéances, primes) à partir des conditions particulières scannées.",
        ("transcription", "spreadsheets"),
        "fixed",
        (20, 60),
        n=(150, 500),
    ),
    MissionTemplate(
        "insurance",
        "Accueil téléphonique d'une agence générale d'assurances",
        "Agence générale de {city} : accueil téléphonique des assurés, prise de messages, "
        "orientation vers le bon interlocuteur et réponses simples sur les contrats auto et "
        "habitation.",
        ("phone_reception", "customer_service"),
        "hourly",
        (40, 120),
    ),
    MissionTemplate(
        "insurance",
        "Suivi des encaissements et relance des cotisations impayées",
        "Rapprocher les encaissements du mois avec les quittances émises, relancer les "
        "assurés en retard de paiement et préparer les mises en demeure (environ {n} "
        "quittances impayées).",
        ("billing", "spreadsheets", "mail_merge"),
        "hourly",
        (15, 45),
        n=(40, 150),
    ),
    # --- industrie -----------------------------------------------------------------------------
    MissionTemplate(
        "industry",
        "Saisie des commandes fournisseurs et suivi des livraisons",
        "PME de mécanique de précision : saisie des commandes fournisseurs dans notre ERP, "
        "relance des fournisseurs en retard et mise à jour du tableau de suivi des livraisons "
        "pour l'atelier.",
        ("spreadsheets", "customer_service", "mail_processing"),
        "hourly",
        (30, 100),
    ),
    MissionTemplate(
        "industry",
        "Mise à jour des fiches techniques et des notices produits",
        "Reprise de {n} fiches techniques et notices d'utilisation dans notre nouvelle charte "
        "graphique (Word et Publisher), avec vérification des références et des schémas.",
        ("word_processing", "desktop_publishing"),
        "fixed",
        (20, 60),
        n=(30, 90),
    ),
    MissionTemplate(
        "industry",
        "Facturation clients et relances",
        "Établir les factures à partir des bons de livraison, les envoyer aux clients et "
        "relancer les retards de paiement. Environ {n} factures par mois, logiciel Sage.",
        ("billing", "spreadsheets", "bookkeeping"),
        "hourly",
        (20, 60),
        n=(80, 250),
    ),
    MissionTemplate(
        "industry",
        "Organisation de notre participation à un salon professionnel",
        "Préparation de notre stand au salon de la sous-traitance industrielle : réservations "
        "d'hôtel et de trains pour {n} personnes, commande du mobilier, invitations des clients "
        "par publipostage et suivi des inscriptions.",
        ("travel_planning", "meeting_logistics", "mail_merge"),
        "fixed",
        (15, 40),
        n=(4, 12),
    ),
    MissionTemplate(
        "industry",
        "Administration du personnel : contrats et absences",
        "Usine de {n} salariés : préparation des contrats de travail et des avenants, suivi "
        "des absences et des visites médicales, transmission des variables de paie au cabinet "
        "comptable.",
        ("hr_admin", "spreadsheets", "word_processing"),
        "hourly",
        (30, 90),
        n=(25, 80),
        sensitive=True,
    ),
    MissionTemplate(
        "industry",
        "Préparation de dossiers de réponse aux appels d'offres",
        "Mise en forme de nos réponses aux appels d'offres publics : mémoires techniques, "
        "attestations, bordereaux de prix. Environ {n} dossiers à préparer ce trimestre.",
        ("word_processing", "presentations", "spreadsheets"),
        "hourly",
        (20, 60),
        n=(3, 8),
        sensitive=True,
    ),
    MissionTemplate(
        "industry",
        "Standard téléphonique et accueil des transporteurs",
        "Accueil téléphonique et physique sur notre site de {city} : prise des rendez-vous de "
        "chargement, accueil des chauffeurs, édition des bons de livraison.",
        ("phone_reception", "customer_service"),
        "hourly",
        (60, 150),
        onsite=True,
    ),
    MissionTemplate(
        "industry",
        "Saisie des bons de livraison et pré-comptabilité",
        "Classement et saisie des bons de livraison et des factures fournisseurs (environ {n} "
        "pièces par mois), préparation des rapprochements pour l'expert-comptable.",
        ("bookkeeping", "spreadsheets", "transcription"),
        "hourly",
        (15, 50),
        n=(150, 400),
    ),
    MissionTemplate(
        "industry",
        "Organisation des déplacements de l'équipe commerciale",
        "Réservation des trains, vols, hôtels et véhicules de location pour nos {n} "
        "commerciaux itinérants, en France et en Allemagne, avec suivi des notes de frais.",
        ("travel_planning", "spreadsheets"),
        "hourly",
        (20, 70),
        n=(3, 8),
    ),
    # --- secrétariat général -------------------------------------------------------------------
    MissionTemplate(
        "general",
        "Accueil téléphonique pendant les chantiers",
        "Artisan souvent sur chantier : nous cherchons une télésecrétaire pour prendre les "
        "appels de 8 h à 18 h, noter les demandes d'intervention et fixer les rendez-vous de "
        "devis dans notre agenda partagé.",
        ("phone_reception", "appointment_booking", "customer_service"),
        "hourly",
        (40, 120),
    ),
    MissionTemplate(
        "general",
        "Facturation et relance des impayés",
        "Établir les factures à partir des bons d'intervention, les envoyer et relancer les "
        "clients en retard de paiement (environ {n} factures par mois).",
        ("billing", "spreadsheets"),
        "hourly",
        (10, 40),
        n=(20, 80),
    ),
    MissionTemplate(
        "general",
        "Traitement du courrier et classement",
        "Chaque semaine : ouverture du courrier scanné, enregistrement, classement numérique et "
        "transmission des pièces au bon interlocuteur. Réponse aux courriers simples à partir "
        "de nos modèles.",
        ("mail_processing", "word_processing"),
        "hourly",
        (15, 50),
    ),
    MissionTemplate(
        "general",
        "Mise en forme de devis et de factures",
        "Reprise de nos modèles de devis et de factures sous Word et Excel, puis mise en forme "
        "des devis à partir des métrés envoyés depuis les chantiers (environ {n} par mois).",
        ("word_processing", "spreadsheets"),
        "fixed",
        (8, 25),
        n=(10, 40),
    ),
    MissionTemplate(
        "general",
        "Publipostage pour une campagne de promotion",
        "Préparation d'un publipostage vers nos {n} clients et prospects : fusion du fichier "
        "Excel, personnalisation des lettres, mise sous pli et suivi des retours.",
        ("mail_merge", "desktop_publishing", "spreadsheets"),
        "fixed",
        (8, 25),
        n=(300, 1500),
    ),
    MissionTemplate(
        "general",
        "Prospection téléphonique de nouveaux clients",
        "Appels de prospection auprès des syndics et gestionnaires de biens de la région de "
        "{city} pour présenter nos services d'entretien. Fichier et argumentaire fournis, "
        "objectif de {n} rendez-vous par semaine.",
        ("telemarketing", "customer_service", "appointment_booking"),
        "hourly",
        (30, 100),
        n=(4, 10),
    ),
    MissionTemplate(
        "general",
        "Organisation d'un séminaire d'entreprise",
        "Organisation d'un séminaire de deux jours pour {n} collaborateurs : recherche du lieu, "
        "devis, réservations de transport et d'hébergement, invitations et suivi des "
        "inscriptions.",
        ("meeting_logistics", "travel_planning", "mail_merge"),
        "fixed",
        (15, 40),
        n=(12, 40),
    ),
    MissionTemplate(
        "general",
        "Préparation de déplacements professionnels",
        "Réservation des trains, hôtels et restaurants pour les déplacements du dirigeant "
        "(environ {n} déplacements par mois), préparation des feuilles de route et suivi des "
        "notes de frais.",
        ("travel_planning", "spreadsheets"),
        "hourly",
        (8, 30),
        n=(3, 8),
    ),
    MissionTemplate(
        "general",
        "Saisie de fiches clients dans notre logiciel de gestion",
        "Saisie de {n} fiches clients (coordonnées, historique des interventions) à partir de "
        "nos classeurs papier scannés, avec dédoublonnage.",
        ("transcription", "spreadsheets"),
        "fixed",
        (15, 50),
        n=(400, 1500),
    ),
    MissionTemplate(
        "general",
        "Création d'une plaquette commerciale et d'une présentation",
        "Mise en page d'une plaquette de quatre pages et d'une présentation PowerPoint de nos "
        "réalisations à partir de nos textes et photos.",
        ("presentations", "desktop_publishing"),
        "fixed",
        (8, 20),
    ),
    MissionTemplate(
        "general",
        "Secrétariat à temps partiel pour une agence immobilière",
        "Agence de {city} : accueil téléphonique, prise de rendez-vous de visites, préparation "
        "des dossiers de location et suivi du courrier, trois demi-journées par semaine.",
        ("phone_reception", "appointment_booking", "mail_processing"),
        "hourly",
        (40, 120),
    ),
    MissionTemplate(
        "general",
        "Comptes rendus de réunions de chantier",
        "Mise au propre des comptes rendus de réunions de chantier à partir de nos notes et "
        "enregistrements, diffusion aux entreprises et suivi des réserves (environ {n} "
        "réunions par mois).",
        ("transcription", "word_processing", "mail_processing"),
        "hourly",
        (10, 40),
        n=(4, 10),
    ),
    MissionTemplate(
        "general",
        "Pré-comptabilité : classement des pièces et saisie",
        "Classement des factures d'achat et de vente, saisie dans notre logiciel et "
        "préparation du dossier mensuel pour l'expert-comptable (environ {n} pièces par mois).",
        ("bookkeeping", "spreadsheets"),
        "hourly",
        (10, 35),
        n=(60, 200),
    ),
    MissionTemplate(
        "general",
        "Renfort administratif ponctuel au bureau",
        "Renfort de {weeks} semaines dans nos bureaux de {city} pour rattraper le classement, "
        "le courrier en retard et la mise à jour de nos tableaux de suivi.",
        ("mail_processing", "spreadsheets", "phone_reception"),
        "hourly",
        (30, 100),
        onsite=True,
    ),
)

# --- secretaries ---------------------------------------------------------------------------

HEADLINES: dict[str, tuple[str, ...]] = {
    "medical": (
        "Secrétaire médicale indépendante, {years} ans d'expérience",
        "Télésecrétaire médicale : comptes rendus et prise de rendez-vous",
        "Frappe de comptes rendus médicaux sous 24 à 48 h",
        "Secrétaire médicale à distance pour cabinets et cliniques",
        "Secrétariat médical externalisé, {years} ans en cabinet",
    ),
    "legal": (
        "Secrétaire juridique indépendante, {years} ans en cabinet d'avocats",
        "Assistante juridique : actes, conclusions et dictées",
        "Secrétariat juridique à distance pour avocats et notaires",
        "Mise en forme d'actes et frappe de dictées juridiques",
        "Secrétaire juridique expérimentée (droit des affaires, droit social)",
    ),
    "insurance": (
        "Assistante en courtage d'assurances, {years} ans d'expérience",
        "Gestion de sinistres et relation assurés à distance",
        "Secrétaire spécialisée en assurances IARD et santé",
        "Back-office de courtage : contrats, sinistres, relances",
    ),
    "industry": (
        "Assistante administrative en PME industrielle",
        "Secrétariat pour l'industrie : commandes, facturation, RH",
        "Assistante ADV et achats, {years} ans dans l'industrie",
        "Gestion administrative et commerciale pour PME industrielles",
    ),
    "general": (
        "Télésecrétaire indépendante, {years} ans d'expérience",
        "Assistante administrative polyvalente à distance",
        "Secrétariat pour artisans et TPE : appels, devis, factures",
        "Accueil téléphonique, facturation et relances pour TPE",
        "Assistante de direction indépendante",
        "Secrétaire polyvalente : courrier, Word, Excel, publipostage",
        "Télémarketing et prise de rendez-vous qualifiés",
    ),
}

HEADLINES_MALE: dict[str, tuple[str, ...]] = {
    "medical": (
        "Secrétaire médical indépendant, {years} ans d'expérience",
        "Télésecrétariat médical : comptes rendus et rendez-vous",
    ),
    "legal": (
        "Assistant juridique indépendant, {years} ans en cabinet",
        "Secrétariat juridique à distance pour avocats et notaires",
    ),
    "insurance": (
        "Assistant en courtage d'assurances, {years} ans d'expérience",
        "Back-office de courtage : contrats, sinistres, relances",
    ),
    "industry": (
        "Assistant administratif en PME industrielle",
        "Secrétariat pour l'industrie : commandes, facturation, RH",
    ),
    "general": (
        "Assistant administratif indépendant, {years} ans d'expérience",
        "Télémarketing et prise de rendez-vous qualifiés",
        "Secrétariat pour artisans et TPE : appels, devis, factures",
    ),
}

WORKPLACES: dict[str, tuple[str, ...]] = {
    "medical": (
        "dans un cabinet de radiologie",
        "dans un service hospitalier",
        "dans une clinique privée",
        "dans un centre de santé",
        "dans un cabinet de cardiologie",
    ),
    "legal": (
        "dans un cabinet d'avocats d'affaires",
        "dans une étude notariale",
        "au service juridique d'un groupe industriel",
        "dans un cabinet de droit social",
    ),
    "insurance": (
        "dans un cabinet de courtage",
        "dans une agence générale d'assurances",
        "chez un assureur mutualiste",
    ),
    "industry": (
        "dans une PME de la métallurgie",
        "dans l'industrie agroalimentaire",
        "chez un équipementier automobile",
        "dans une entreprise de plasturgie",
    ),
    "general": (
        "dans une PME du bâtiment",
        "dans une agence immobilière",
        "dans un cabinet d'expertise comptable",
        "au siège d'une association",
        "au secrétariat de direction d'une PME",
    ),
}

BIO_OPENINGS: tuple[str, ...] = (
    "Après {years} ans {workplace}, je me suis installé{e} à mon compte pour accompagner les "
    "TPE et les professions libérales.",
    "Secrétaire {adjective} depuis {years} ans, j'ai travaillé {workplace} avant de créer ma "
    "micro-entreprise.",
    "Titulaire d'un BTS Support à l'action managériale, j'ai {years} ans d'expérience, "
    "notamment {workplace}.",
    "Fort{e} de {years} ans d'expérience {workplace}, je mets mon savoir-faire au service des "
    "petites structures qui n'ont pas besoin d'une secrétaire à temps plein.",
    "Je suis secrétaire indépendant{e} depuis plusieurs années, après {years} ans {workplace}.",
)

# Appended to "Je prends en charge" in bios.
SKILL_PHRASES: dict[str, str] = {
    "mail_processing": "le traitement du courrier",
    "word_processing": "la mise en forme de documents sous Word",
    "spreadsheets": "les tableaux de suivi sous Excel",
    "presentations": "les présentations PowerPoint",
    "desktop_publishing": "la mise en page sous Publisher",
    "phone_reception": "l'accueil téléphonique",
    "mail_merge": "les publipostages",
    "travel_planning": "la préparation de vos déplacements",
    "meeting_logistics": "l'organisation de vos réunions",
    "telemarketing": "la prospection téléphonique",
    "appointment_booking": "la prise de rendez-vous",
    "transcription": "la saisie et la transcription",
    "medical_transcription": "la frappe de comptes rendus médicaux",
    "legal_drafting": "la mise en forme d'actes et de conclusions",
    "billing": "la facturation et les relances",
    "bookkeeping": "la pré-comptabilité",
    "hr_admin": "l'administration du personnel",
    "customer_service": "la relation client",
}

TOOLS: dict[str, str] = {
    "medical": "Je connais les principaux logiciels médicaux et les agendas en ligne.",
    "legal": "J'utilise au quotidien les logiciels de gestion de cabinet et le RPVA.",
    "insurance": "Je suis à l'aise avec les logiciels de gestion de courtage et les extranets "
    "des compagnies.",
    "industry": "Je travaille sur Sage, EBP et les principaux ERP du marché.",
    "general": "Pack Office, Google Workspace et logiciels de facturation n'ont pas de secret "
    "pour moi.",
}

BIO_MODES: dict[str, str] = {
    "remote": "Je travaille à distance, avec mon propre matériel et une ligne professionnelle.",
    "remote_onsite": "Je travaille principalement à distance et je peux me déplacer dans un "
    "rayon de {radius} km autour de {city}.",
    "onsite": "J'interviens dans vos locaux, dans un rayon de {radius} km autour de {city}.",
}

BIO_CLOSINGS: tuple[str, ...] = (
    "Discrétion absolue : je signe volontiers un accord de confidentialité.",
    "Réactivité, rigueur et discrétion sont mes priorités.",
    "Je m'adapte à vos outils et à vos habitudes de travail.",
    "Missions ponctuelles ou régulières : parlons de votre besoin.",
    "Je vous réponds sous 24 heures, devis gratuit.",
)

LANGUAGE_SENTENCES: dict[str, str] = {
    "en": "Je travaille aussi en anglais.",
    "es": "Je parle espagnol couramment.",
    "de": "Je parle allemand.",
    "it": "Je parle italien.",
    "pt": "Je parle portugais.",
    "ar": "Je parle arabe.",
}

# --- bids and invitations ------------------------------------------------------------------

BID_OPENINGS: tuple[str, ...] = (
    "Bonjour, je suis secrétaire {adjective} depuis {years} ans et ce type de mission fait "
    "partie de mon quotidien.",
    "Bonjour, votre annonce a retenu toute mon attention : j'ai réalisé des missions très "
    "proches pour plusieurs clients.",
    "Bonjour, je vous propose mes services pour cette mission, que je peux mener entièrement "
    "à distance.",
    "Madame, Monsieur, j'ai une solide expérience de ce type de travaux et serais ravi{e} de "
    "vous accompagner.",
    "Bonjour, j'ai lu votre annonce avec intérêt et je dispose du temps nécessaire pour la "
    "traiter sérieusement.",
)

BID_DETAILS: tuple[str, ...] = (
    "Je peux commencer le {start} et j'estime le travail à {hours} heures.",
    "Disponible à partir du {start}, je prévois environ {hours} heures de travail.",
    "Mon estimation est de {hours} heures, avec un démarrage possible le {start}.",
)

BID_CLOSINGS: tuple[str, ...] = (
    "Je reste disponible pour un échange téléphonique.",
    "Je peux vous transmettre des références de clients sur demande.",
    "Je vous enverrai un point d'avancement chaque semaine.",
    "Au plaisir de travailler ensemble.",
    "",
)

INVITATION_MESSAGES: tuple[str, ...] = (
    "Bonjour, votre profil correspond à notre besoin. Pourriez-vous nous faire une proposition ?",
    "Bonjour, nous avons vu vos avis et aimerions recevoir votre devis pour cette mission.",
    "Bonjour, seriez-vous disponible pour cette mission ? Votre expérience nous intéresse.",
    "Bonjour, nous cherchons quelqu'un de confiance pour ce travail : votre profil nous a "
    "semblé le plus adapté.",
)

# --- reviews ---------------------------------------------------------------------------------

BUSINESS_COMMENTS: dict[int, tuple[str, ...]] = {
    5: (
        "Travail impeccable et rendu en avance. Je recommande sans hésiter.",
        "Un grand professionnalisme, une vraie discrétion et une réactivité remarquable. Nous "
        "referons appel à ses services.",
        "Comptes rendus parfaitement tapés, sans aucune faute. Un vrai soulagement pour le "
        "cabinet.",
        "Excellente communication tout au long de la mission, travail soigné.",
        "Très fiable : les délais ont été tenus malgré un volume plus important que prévu.",
        "Rapidité, précision et amabilité : exactement ce que nous cherchions.",
    ),
    4: (
        "Bon travail, quelques allers-retours sur la mise en forme mais résultat conforme.",
        "Mission bien menée, un peu de retard sur la dernière semaine.",
        "Travail sérieux et efficace ; il a fallu préciser certaines consignes au départ.",
        "Travail de qualité, nous aurions aimé des points d'avancement plus fréquents.",
    ),
    3: (
        "Travail correct mais délais dépassés de plusieurs jours.",
        "Résultat acceptable, plusieurs corrections ont été nécessaires.",
        "Prestation moyenne : bonne volonté, mais manque de rigueur sur la relecture.",
    ),
    2: (
        "Beaucoup d'erreurs de frappe à corriger, nous sommes déçus du résultat.",
        "Communication difficile et consignes mal suivies.",
    ),
    1: (
        "Mission non terminée, nous avons dû tout reprendre en interne.",
        "Aucune nouvelle pendant deux semaines, travail inexploitable.",
    ),
}

SECRETARY_COMMENTS: dict[int, tuple[str, ...]] = {
    5: (
        "Client très clair dans ses consignes et paiement rapide. Un plaisir de travailler "
        "ensemble.",
        "Consignes précises, échanges cordiaux, validation sans délai.",
        "Excellente collaboration, je recommande ce client.",
        "Dictées de très bonne qualité et interlocuteurs disponibles.",
    ),
    4: (
        "Bonne collaboration, des dictées parfois difficiles à comprendre mais toujours "
        "quelqu'un pour préciser.",
        "Client agréable, les documents sont arrivés avec un peu de retard.",
        "Mission intéressante, consignes à clarifier au démarrage.",
    ),
    3: (
        "Consignes changeantes en cours de mission, mais échanges courtois.",
        "Volume plus important qu'annoncé, validation un peu longue.",
    ),
    2: (
        "Beaucoup de demandes hors du périmètre convenu.",
        "Client difficile à joindre pendant la mission.",
    ),
    1: ("Client injoignable après la livraison.",),
}

# --- cancellations and disputes --------------------------------------------------------------

CANCEL_REASONS_BUSINESS: tuple[str, ...] = (
    "Le besoin a finalement été couvert en interne.",
    "Le projet est reporté à l'an prochain.",
    "Notre secrétaire reprend son poste plus tôt que prévu.",
    "Le client final a annulé sa commande, la mission n'a plus lieu d'être.",
)

CANCEL_REASONS_SECRETARY: tuple[str, ...] = (
    "Indisponibilité imprévue : je préfère annuler avant de commencer.",
    "Un souci de santé m'empêche d'assurer la mission dans les délais.",
    "Le volume réel dépasse largement ce que je peux absorber ce mois-ci.",
)

# Why a party opens a dispute, by side and by whether the work was delivered.
DISPUTE_REASONS: dict[tuple[str, bool], tuple[str, ...]] = {
    ("business", True): (
        "Les documents livrés comportent de nombreuses erreurs et doivent être repris.",
        "Seule la moitié des dossiers a été traitée à la date prévue.",
        "Le travail livré ne respecte pas le cahier des charges (mise en forme non conforme).",
    ),
    ("business", False): (
        "Aucune nouvelle depuis le paiement : la mission n'a pas commencé.",
        "Le démarrage convenu est dépassé de deux semaines sans explication.",
    ),
    ("secretary", True): (
        "Le client refuse de valider la livraison sans motif précis.",
        "Le client ne répond plus depuis la livraison.",
    ),
    ("secretary", False): (
        "Le volume réel est deux fois supérieur au devis et le client refuse d'en tenir compte.",
        "Les documents nécessaires à la mission n'ont jamais été transmis.",
    ),
}

RESOLUTION_NOTES: dict[str, str] = {
    "release": "Après examen des pièces, le travail livré est conforme au devis : les fonds "
    "sont versés à la secrétaire.",
    "refund": "La mission n'a pas été exécutée comme convenu : l'entreprise est remboursée "
    "intégralement.",
    "split": "Travail réalisé en partie : {percent} % du montant est versé à la secrétaire, "
    "le reste est remboursé à l'entreprise.",
}

# Conversations: the secretary's question before her quote, the owner's answer (with a
# document attached), and the note of a delivery with its files.
QUESTIONS: tuple[str, ...] = (
    "Bonjour, quel logiciel utilisez-vous pour l'agenda ? Je connais Doctolib et Maiia.",
    "Bonjour, les documents à traiter arrivent-ils par e-mail ou sur un espace partagé ?",
    "Bonjour, avez-vous des modèles de courrier que je dois reprendre à l'identique ?",
    "Bonjour, le volume est-il régulier d'une semaine à l'autre, ou plutôt par pics ?",
    "Bonjour, pouvez-vous me préciser les délais attendus pour chaque envoi ?",
)
ANSWERS: tuple[str, ...] = (
    "Bonjour, tout passe par cet espace. Nos consignes ci-jointes répondent à presque tout.",
    "Bonjour, oui, les modèles sont dans le document joint. Merci de respecter la mise en page.",
    "Bonjour, le volume est régulier, les détails sont dans le document ci-joint.",
)
ANSWER_DOCUMENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Consignes de travail",
        (
            "Horaires : du lundi au vendredi, 8 h 30 - 12 h 30.",
            "Documents : déposés ici, un fichier par dossier.",
            "Confidentialité : aucun document ne sort de la plateforme.",
        ),
    ),
    (
        "Modèles de courrier",
        (
            "Formule d'appel : « Madame, Monsieur, ».",
            "Signature : le nom du praticien ou de l'associé en charge du dossier.",
            "Police : Arial 11, interligne simple.",
        ),
    ),
)
DELIVERY_NOTES: tuple[str, ...] = (
    "Voici le travail terminé. Je reste disponible pour toute correction.",
    "Tout est fait, le récapitulatif est joint. Bonne réception !",
    "Livraison complète ci-jointe ; j'ai signalé en rouge les points à vérifier.",
)

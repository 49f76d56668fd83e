"""Names of people and companies for the demo data: French, varied, invented.

Independent secretaries in France are mostly women, so most first names are women's.
Surnames follow the most frequent French ones, with the diversity of the country and a few
regional lists (La Réunion, the Antilles and Guyane, Mayotte, Corsica) used for people who
live there.
"""

from __future__ import annotations

from dataclasses import dataclass


def _names(text: str) -> tuple[str, ...]:
    """A comma-separated paragraph of names as a tuple (names may contain spaces)."""
    return tuple(" ".join(name.split()) for name in text.split(",") if name.strip())


FEMALE_FIRST_NAMES = _names(
    """
    Nathalie, Isabelle, Sylvie, Catherine, Valérie, Sandrine, Christine, Véronique,
    Stéphanie, Céline, Sophie, Laurence, Virginie, Aurélie, Émilie, Julie, Caroline, Anne,
    Marie, Florence, Corinne, Karine, Patricia, Martine, Nadia, Samia, Fatima, Myriam,
    Hélène, Laetitia, Delphine, Audrey, Élodie, Camille, Pauline, Claire, Mélanie, Vanessa,
    Magali, Agnès, Françoise, Brigitte, Chantal, Dominique, Pascale, Muriel, Béatrice,
    Sabrina, Séverine, Emmanuelle, Gaëlle, Estelle, Ludivine, Amandine, Charlotte, Manon,
    Léa, Chloé, Laura, Sarah, Inès, Yasmina, Leïla, Amina, Nora, Sonia, Lucie, Mathilde,
    Marion, Anaïs, Justine, Margaux, Océane, Coralie, Jessica, Cindy, Carole, Fabienne,
    Mireille, Odile, Solène, Maëlle, Nolwenn, Armelle, Clémence, Juliette, Alice, Louise,
    Élise, Gwendoline, Ophélie, Angélique, Marlène, Évelyne, Danielle, Ghislaine, Aline,
    Morgane, Katia, Rachida, Malika, Naïma, Khadija, Linda, Graziella, Mélissa, Rose,
    Margot, Annabelle, Christelle, Nadège, Sylvia, Jennifer, Ingrid, Alexandra, Géraldine,
    Tiphaine
    """
)

MALE_FIRST_NAMES = _names(
    """
    Thomas, Nicolas, Julien, Sébastien, Laurent, Olivier, Philippe, David, Stéphane,
    Christophe, Frédéric, Jérôme, Karim, Mehdi, Antoine, Romain, Guillaume, Vincent, Pierre,
    François, Alexandre, Maxime, Benoît, Yannick, Cédric, Hugo, Samir, Patrick, Éric, Arnaud
    """
)

SURNAMES = _names(
    """
    Martin, Bernard, Thomas, Petit, Robert, Richard, Durand, Dubois, Moreau, Laurent, Simon,
    Michel, Lefebvre, Leroy, Roux, David, Bertrand, Morel, Fournier, Girard, Bonnet, Dupont,
    Lambert, Fontaine, Rousseau, Vincent, Muller, Lefèvre, Faure, André, Mercier, Blanc,
    Guérin, Boyer, Garnier, Chevalier, François, Legrand, Gauthier, Garcia, Perrin, Robin,
    Clément, Morin, Nicolas, Henry, Roussel, Mathieu, Gautier, Masson, Marchand, Duval,
    Denis, Dumont, Lemaire, Noël, Meyer, Dufour, Meunier, Brun, Blanchard, Giraud, Joly,
    Rivière, Lucas, Brunet, Gaillard, Barbier, Arnaud, Martinez, Gérard, Roche, Renard,
    Schmitt, Roy, Leroux, Colin, Vidal, Caron, Picard, Roger, Fabre, Aubert, Lemoine,
    Renaud, Dumas, Lacroix, Olivier, Philippe, Bourgeois, Benoît, Rey, Leclerc, Rolland,
    Leclercq, Guillaume, Lecomte, Lopez, Dupuy, Guillot, Hubert, Berger, Carpentier,
    Sanchez, Dupuis, Moulin, Deschamps, Huet, Vasseur, Perez, Boucher, Fleury, Royer, Klein,
    Jacquet, Adam, Poirier, Marty, Aubry, Guyot, Carré, Charpentier, Ménard, Maillard,
    Baron, Bertin, Bailly, Hervé, Schneider, Fernandez, Le Gall, Collet, Léger, Bouvier,
    Prévost, Millet, Perrot, Le Roux, Cousin, Germain, Breton, Besson, Langlois, Rémy,
    Le Goff, Pelletier, Lévêque, Perrier, Leblanc, Lebrun, Marchal, Weber, Mallet, Hamon,
    Boulanger, Monnier, Michaud, Rodriguez, Guichard, Gillet, Étienne, Tessier, Chauvin,
    Da Silva, Bouchet, Lemaître, Maréchal, Humbert, Reynaud, Perret, Cordier, Pichon, Lejeune,
    Lamy, Delaunay, Pasquier, Carlier, Laporte, Nguyen, Benali, Haddad, Diallo, Traoré,
    Ferreira, Martins, Rodrigues, Pereira, Mansouri, Cherif, Amrani, Kaci, Costa, Fernandes,
    Kowalski, Tran, Bensaïd
    """
)

# Frequent surnames where people live, used for part of the people placed there.
REGIONAL_SURNAMES: dict[str, tuple[str, ...]] = {
    "974": _names(
        "Payet, Hoarau, Grondin, Técher, Fontaine, Maillot, Lebon, Dijoux, Turpin, Boyer, "
        "Rivière, Morel"
    ),
    "971": _names(
        "Jean-Baptiste, Sainte-Rose, Lubin, Alexis, Joseph, Bellance, Laguerre, Démocrite, "
        "Nestoret, Pierre-Louis"
    ),
    "972": _names(
        "Jean-Baptiste, Marie-Sainte, Rosier, Joseph, Alexis, Lubin, Bellance, Pierre-Louis, Zébo"
    ),
    "973": _names("Jean-Baptiste, Lubin, Joseph, Alexis, Stephenson, Bellony, Da Silva"),
    "976": _names("Ahamada, Madi, Ali, Soilihi, Abdallah, Saïd, Attoumani, Combo"),
    "2A": _names("Santoni, Luciani, Casanova, Pietri, Mattei, Orsini, Leca, Poli"),
    "2B": _names("Filippi, Albertini, Mattei, Luciani, Santucci, Orsini, Casanova"),
}

# Places named in company names ("Cabinet médical des Tilleuls").
LOCAL_NAMES: tuple[str, ...] = (
    "du Parc",
    "des Tilleuls",
    "de la Gare",
    "du Centre",
    "des Halles",
    "du Marché",
    "de l'Hôtel de Ville",
    "des Lilas",
    "Saint-Jacques",
    "du Château",
    "des Remparts",
    "du Canal",
    "de la Cathédrale",
    "des Acacias",
    "du Port",
)


@dataclass(frozen=True)
class Sector:
    """A kind of client business: its label, the secretarial specialty it mostly needs, and
    patterns for its name ({nom}, {nom2}: surnames; {lieu}: a local name; {ville}: the city)."""

    label: str
    specialty: str
    weight: int
    name_patterns: tuple[str, ...]


SECTORS: tuple[Sector, ...] = (
    Sector(
        "Cabinet médical",
        "medical",
        9,
        (
            "Cabinet médical {lieu}",
            "Cabinet du Dr {nom}",
            "Cabinet de cardiologie du Dr {nom}",
            "Centre de radiologie {lieu}",
            "Maison de santé {lieu}",
            "Cabinet dentaire {nom}",
            "Cabinet de pédiatrie {nom} et {nom2}",
        ),
    ),
    Sector(
        "Paramédical",
        "medical",
        3,
        (
            "Cabinet de kinésithérapie {lieu}",
            "Cabinet d'orthophonie {nom}",
            "Centre de podologie {nom}",
            "Cabinet infirmier {lieu}",
        ),
    ),
    Sector(
        "Cabinet d'avocats",
        "legal",
        7,
        (
            "Cabinet {nom} Avocats",
            "{nom} & {nom2} Avocats associés",
            "SELARL {nom} Avocat",
            "AARPI {nom} {nom2}",
            "Cabinet {nom}, avocats en droit social",
        ),
    ),
    Sector(
        "Office notarial",
        "legal",
        4,
        (
            "Office notarial {nom}",
            "Étude de Maître {nom}",
            "{nom} & {nom2} Notaires associés",
        ),
    ),
    Sector("Commissaire de justice", "legal", 1, ("Étude {nom}, commissaires de justice",)),
    Sector(
        "Courtier en assurances",
        "insurance",
        5,
        (
            "{nom} Courtage",
            "Cabinet {nom} Assurances",
            "Assurances {nom} & Associés",
            "{ville} Courtage Assurances",
        ),
    ),
    Sector(
        "Agent général d'assurances",
        "insurance",
        2,
        (
            "Agence générale {nom}",
            "{nom} Assurances, agent général",
        ),
    ),
    Sector(
        "Plomberie chauffage",
        "general",
        5,
        (
            "{nom} Plomberie Chauffage",
            "Plomberie {nom} & Fils",
            "SARL {nom} Sanitaire",
        ),
    ),
    Sector(
        "Menuiserie",
        "general",
        3,
        (
            "Menuiserie {nom}",
            "Atelier bois {nom}",
            "Menuiserie {nom} & Fils",
        ),
    ),
    Sector("Électricité générale", "general", 3, ("{nom} Électricité", "Élec {nom}")),
    Sector(
        "PME industrielle",
        "industry",
        6,
        (
            "{nom} Industrie",
            "Mécanique de précision {nom}",
            "Plasturgie {ville}",
            "Tôlerie {nom}",
            "Usinage {nom} SAS",
            "{nom} Emballages",
            "Fonderie {nom}",
        ),
    ),
    Sector("Transport et logistique", "industry", 2, ("Transports {nom}", "{nom} Logistique")),
    Sector(
        "Agence immobilière",
        "general",
        4,
        (
            "{nom} Immobilier",
            "Agence immobilière {lieu}",
            "Immobilière {ville}",
        ),
    ),
    Sector(
        "Expertise comptable",
        "general",
        4,
        (
            "Cabinet {nom} Expertise comptable",
            "{nom} Conseil & Audit",
        ),
    ),
    Sector("Architecture", "general", 2, ("Atelier d'architecture {nom}", "{nom} Architectes")),
    Sector("Paysagiste", "general", 1, ("{nom} Paysage", "Jardins {nom}")),
)

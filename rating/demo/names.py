"""Word banks for the demo world: sectors, invented brand parts, places, mediators.

Every name is invented from syllables so that no demo company is mistaken for a real brand;
web and e-mail domains end in `.example` (RFC 2606), so no demo link leads to a real site.
"""

from ..slugs import slugify  # noqa: F401 - the demo names its slugs with it

# slug, name, number of companies (at scale 1), activity, mediator stem
SECTORS = (
    ("banque", "Banque", 26, "une banque de détail", "bancaire"),
    ("assurance", "Assurance", 24, "un assureur habitation et auto", "de l'assurance"),
    ("telecoms", "Télécoms", 22, "un opérateur mobile et internet", "des télécoms"),
    ("energie", "Énergie", 24, "un fournisseur d'électricité et de gaz", "de l'énergie"),
    (
        "grande-distribution",
        "Grande distribution",
        26,
        "une enseigne de supermarchés",
        "du commerce",
    ),
    ("e-commerce", "E-commerce", 28, "une boutique en ligne", "du e-commerce"),
    (
        "transport-ferroviaire",
        "Transport ferroviaire",
        18,
        "un transporteur ferroviaire",
        "du rail",
    ),
    ("transport-aerien", "Transport aérien", 20, "une compagnie aérienne", "du voyage aérien"),
    ("services-publics", "Services publics", 22, "un service public", "des services publics"),
    ("automobile", "Automobile", 24, "un réseau de garages et de concessions", "de l'automobile"),
    (
        "immobilier-logement",
        "Immobilier et logement",
        24,
        "un bailleur et gestionnaire locatif",
        "du logement",
    ),
    ("sante-mutuelles", "Santé et mutuelles", 24, "une mutuelle santé", "de la mutualité"),
    ("voyage", "Voyage", 22, "une agence de voyages", "du tourisme"),
    ("livraison", "Livraison", 20, "un transporteur de colis", "de la livraison"),
)

# Invented stems and endings; combined they give pronounceable, unregistered-looking names.
STEMS = (
    "Vel",
    "Mar",
    "Sol",
    "Ard",
    "Lum",
    "Ker",
    "Bel",
    "Cor",
    "Tal",
    "Ven",
    "Pral",
    "Dun",
    "Fal",
    "Orl",
    "Sav",
    "Mir",
    "Nov",
    "Quen",
    "Rav",
    "Sil",
    "Tess",
    "Val",
    "Zel",
    "Brev",
    "Cal",
    "Dor",
    "Est",
    "Gal",
    "Hal",
    "Jov",
    "Lor",
    "Mel",
    "Nar",
    "Pel",
    "Ros",
    "Ter",
)
ENDINGS = (
    "mont",
    "vane",
    "ria",
    "ance",
    "ys",
    "éo",
    "ix",
    "elle",
    "ane",
    "or",
    "ine",
    "al",
    "eva",
    "ora",
    "is",
    "ac",
    "ence",
    "ia",
    "el",
    "ium",
)

# Patterns per sector; {b} is an invented brand, {r} a region adjective, {c} a city.
PATTERNS = {
    "banque": ("Banque {b}", "{b} Banque", "Crédit {b}", "Caisse {r} {b}", "{b} Finance"),
    "assurance": ("{b} Assurances", "Mutuelle {b}", "{b} Protection", "Assur'{b}", "{b} Garanties"),
    "telecoms": ("{b} Mobile", "{b} Télécom", "{b} Box", "{b} Fibre", "{b} Réseaux"),
    "energie": ("{b} Énergie", "{b} Électricité", "{b} Gaz", "Énergies {b}", "{b} Watt"),
    "grande-distribution": ("Super {b}", "{b} Marché", "Hyper {b}", "Les Halles {b}", "{b} Proxi"),
    "e-commerce": ("{b}.shop", "{b} Direct", "{b} Store", "Achats {b}", "{b} Maison"),
    "transport-ferroviaire": (
        "Rail {b}",
        "{b} Express",
        "Ligne {r} {b}",
        "{b} Ferro",
        "{b} Régional",
    ),
    "transport-aerien": ("Air {b}", "{b} Airlines", "{b} Jet", "Aéro {b}", "{b} Wings"),
    "services-publics": (
        "Régie des eaux de {c}",
        "Caisse {r} des prestations {b}",
        "Agence {r} des démarches {b}",
        "{b}, guichet de l'emploi local",
        "Transports urbains de {c}",
    ),
    "automobile": ("{b} Auto", "Garages {b}", "{b} Motors", "{b} Occasions", "Centre auto {b}"),
    "immobilier-logement": (
        "{b} Habitat",
        "{b} Immobilier",
        "Logis {b}",
        "{b} Résidences",
        "Foncière {b}",
    ),
    "sante-mutuelles": (
        "Mutuelle {b}",
        "{b} Santé",
        "Prévoyance {b}",
        "{b} Mutualité",
        "Complémentaire {b}",
    ),
    "voyage": ("{b} Voyages", "{b} Évasion", "Séjours {b}", "{b} Travel", "Croisières {b}"),
    "livraison": (
        "{b} Colis",
        "{b} Express Livraison",
        "{b} Relais",
        "{b} Logistique",
        "Coursiers {b}",
    ),
}
LEGAL_FORMS = ("SA", "SAS", "SARL", "SCOP", "SASU", "SA coopérative")
PUBLIC_FORMS = ("EPIC", "Régie publique", "Établissement public")

# The 13 metropolitan regions, a region adjective, and a few cities each.
REGIONS = (
    (
        "Auvergne-Rhône-Alpes",
        "alpine",
        ("Lyon", "Grenoble", "Clermont-Ferrand", "Annecy", "Saint-Étienne"),
    ),
    ("Bourgogne-Franche-Comté", "comtoise", ("Dijon", "Besançon", "Auxerre", "Belfort")),
    ("Bretagne", "bretonne", ("Rennes", "Brest", "Quimper", "Vannes", "Lorient")),
    ("Centre-Val de Loire", "ligérienne", ("Orléans", "Tours", "Bourges", "Chartres")),
    ("Corse", "corse", ("Ajaccio", "Bastia")),
    ("Grand Est", "rhénane", ("Strasbourg", "Reims", "Metz", "Nancy", "Mulhouse")),
    ("Hauts-de-France", "nordiste", ("Lille", "Amiens", "Roubaix", "Dunkerque", "Arras")),
    (
        "Île-de-France",
        "francilienne",
        ("Paris", "Boulogne-Billancourt", "Saint-Denis", "Versailles", "Créteil"),
    ),
    ("Normandie", "normande", ("Rouen", "Caen", "Le Havre", "Cherbourg")),
    ("Nouvelle-Aquitaine", "aquitaine", ("Bordeaux", "Limoges", "Poitiers", "Pau", "La Rochelle")),
    ("Occitanie", "occitane", ("Toulouse", "Montpellier", "Nîmes", "Perpignan", "Albi")),
    ("Pays de la Loire", "atlantique", ("Nantes", "Angers", "Le Mans", "Saint-Nazaire")),
    (
        "Provence-Alpes-Côte d'Azur",
        "provençale",
        ("Marseille", "Nice", "Toulon", "Avignon", "Aix-en-Provence"),
    ),
)
# Big national companies sit mostly in Île-de-France: a weight per region index.
REGION_WEIGHTS = (10, 4, 6, 4, 1, 7, 7, 30, 5, 8, 8, 6, 8)
POSTCODES = {"Paris": "75", "Lyon": "69", "Marseille": "13", "Lille": "59", "Nantes": "44"}

# Declared contact-centre locations: (city, country, languages).
CENTRES_FRANCE = (
    ("Amiens", "France", "français"),
    ("Poitiers", "France", "français"),
    ("Lille", "France", "français, anglais"),
    ("Nantes", "France", "français"),
    ("Montpellier", "France", "français, espagnol"),
    ("Metz", "France", "français, allemand"),
    ("Brest", "France", "français"),
    ("Saint-Étienne", "France", "français"),
)
CENTRES_ABROAD = (
    ("Casablanca", "Maroc", "français, arabe"),
    ("Rabat", "Maroc", "français"),
    ("Fès", "Maroc", "français, arabe"),
    ("Tunis", "Tunisie", "français, arabe"),
    ("Sousse", "Tunisie", "français"),
    ("Lisbonne", "Portugal", "français, portugais, anglais"),
    ("Porto", "Portugal", "français, portugais"),
    ("Dakar", "Sénégal", "français, wolof"),
    ("Antananarivo", "Madagascar", "français, malgache"),
    ("Port-Louis", "Maurice", "français, anglais"),
    ("Bucarest", "Roumanie", "français, roumain, anglais"),
)
# ISO 3166-1 alpha-2 code of each country above but France (shoppers' answers name codes).
COUNTRY_CODES = {
    "Maroc": "MA",
    "Tunisie": "TN",
    "Portugal": "PT",
    "Sénégal": "SN",
    "Madagascar": "MG",
    "Maurice": "MU",
    "Roumanie": "RO",
}

FIRST_NAMES = (
    "Camille",
    "Léa",
    "Manon",
    "Chloé",
    "Emma",
    "Inès",
    "Sarah",
    "Julie",
    "Laura",
    "Marie",
    "Anaïs",
    "Clara",
    "Lucie",
    "Pauline",
    "Nadia",
    "Yasmine",
    "Sophie",
    "Nathalie",
    "Isabelle",
    "Sandrine",
    "Claire",
    "Mathilde",
    "Océane",
    "Aurélie",
    "Fatou",
    "Thomas",
    "Lucas",
    "Hugo",
    "Nicolas",
    "Julien",
    "Maxime",
    "Antoine",
    "Alexandre",
    "Romain",
    "Mehdi",
    "Karim",
    "Pierre",
    "Jean",
    "Philippe",
    "Olivier",
    "Stéphane",
    "Christophe",
    "David",
    "Sébastien",
    "Mathieu",
    "Yann",
    "Loïc",
    "Bruno",
    "Patrick",
    "Gérard",
    "Dominique",
    "Michel",
    "Françoise",
    "Monique",
    "Bernard",
    "Alain",
    "Sylvie",
    "Valérie",
    "Rachid",
    "Samir",
    "Théo",
    "Enzo",
    "Noah",
    "Adam",
)


def luhn_siren(rng) -> str:
    """A random 9-digit SIREN whose last digit makes the Luhn sum a multiple of 10."""
    body = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(7)]
    total = 0
    for pos, digit in enumerate(body, start=1):
        doubled = digit * 2 if pos % 2 == 0 else digit
        total += doubled - 9 if doubled > 9 else doubled
    # Position 9 is odd, so the check digit counts as itself.
    return "".join(map(str, body)) + str((10 - total % 10) % 10)

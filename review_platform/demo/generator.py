"""Synthetic source data for the demo and the tests: a product catalogue, customers, orders and reviews.

The frames match the tables of `sql/source_schema.sql` column for column, so the loader can COPY them as they are.

Determinism: the catalogue (categories, products, customers) and the pools the texts are drawn from depend only on
`seed`; each day's reviews, orders and images depend only on `(seed, date)`. Generating days one at a time or all
together therefore yields the same rows, and ids are derived from the date (`(date - 2000-01-01).days * 1_000_000 +
i`) so days never collide and re-seeding a day is idempotent under `ON CONFLICT DO NOTHING`.

What is planted, for the layers downstream to find:
- PII in about 20% of reviews (names, e-mails, phones, addresses, Luhn-valid card numbers), each value recorded in
  `planted_pii`;
- about 4% bad rows, each with exactly one defect, so its `RejectionReason` is unambiguous (`expected_rejections`).
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import re
import string
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import polars as pl
from faker import Faker

from review_platform.contract import MAX_TEXT_CHARS, SOURCE_SCHEMA, PiiType, RejectionReason

ID_EPOCH = dt.date(2000, 1, 1)
IDS_PER_DAY = 1_000_000
_DAY_US = 86_400_000_000
_UNIX_EPOCH = dt.date(1970, 1, 1)

CATEGORY_SCHEMA = {"category_id": pl.Int32(), "name": pl.String()}
PRODUCT_SCHEMA = {
    "p_id": pl.Int64(),
    "p_name": pl.String(),
    "p_desc": pl.String(),
    "price": pl.Float64(),
    "category_id": pl.Int32(),
}
CUSTOMER_SCHEMA = {
    "buyer_id": pl.Int64(),
    "fname": pl.String(),
    "lname": pl.String(),
    "email": pl.String(),
    "phone": pl.String(),
}
ORDERS_SCHEMA = {
    "order_id": pl.Int64(),
    "buyer_id": pl.Int64(),
    "p_id": pl.Int64(),
    "order_date": pl.Datetime("us", "UTC"),
}
# The review table's columns, typed as the extract reads them back.
REVIEW_SCHEMA = {
    name: SOURCE_SCHEMA[name] for name in ("review_id", "buyer_id", "p_id", "title", "r_desc", "rating", "created_at")
}
REVIEW_IMAGES_SCHEMA = {"review_id": pl.Int64(), "url": pl.String()}
PLANTED_PII_SCHEMA = {
    "review_id": pl.Int64(),
    "field": pl.String(),
    "pii_type": pl.String(),
    "value": pl.String(),
}
EXPECTED_REJECTIONS_SCHEMA = {"review_id": pl.Int64(), "reason": pl.String()}


@dataclass(frozen=True)
class DemoDataset:
    """One generated source database, plus the ground truth of the PII planted in its review texts."""

    category: pl.DataFrame  # category_id Int32, name String
    product: pl.DataFrame  # p_id Int64, p_name, p_desc String, price Float64, category_id Int32
    customer: pl.DataFrame  # buyer_id Int64, fname, lname, email, phone String
    orders: pl.DataFrame  # order_id, buyer_id, p_id Int64, order_date Datetime(us, UTC)
    review: pl.DataFrame  # review_id, buyer_id (nullable), p_id Int64, title, r_desc, rating Int32 (nullable),
    #                       created_at Datetime(us, UTC)
    review_images: pl.DataFrame  # review_id Int64, url String
    planted_pii: pl.DataFrame  # review_id Int64, field ("title" | "r_desc"), pii_type (PiiType value), value


# ---------------------------------------------------------------------------------------------------------------
# Catalogue vocabulary. Brands and book titles are invented; nothing here is copied from a real dataset.
# ---------------------------------------------------------------------------------------------------------------

CATEGORIES = (
    "Electronics",
    "Home & Kitchen",
    "Clothing & Shoes",
    "Books",
    "Beauty",
    "Sports & Outdoors",
    "Toys",
    "Garden",
)
PRODUCTS_PER_CATEGORY = 40
N_CUSTOMERS = 3_000
_CLOTHING, _BOOKS = 2, 3

# (product type, description, typical price) per category; books are named separately.
_PRODUCT_TYPES: tuple[tuple[tuple[str, str, float], ...], ...] = (
    (
        ("Wireless Earbuds", "True wireless earbuds with a charging case and touch controls.", 59),
        ("Bluetooth Speaker", "Portable waterproof speaker with deep bass and 12 hours of playtime.", 45),
        ("Power Bank", "Compact 20,000 mAh power bank with USB-C fast charging.", 29),
        ("Mechanical Keyboard", "Backlit mechanical keyboard with hot-swappable switches.", 89),
        ("Wireless Mouse", "Ergonomic silent-click mouse with a long-lasting battery.", 25),
        ("HD Webcam", "1080p webcam with autofocus and dual microphones.", 49),
        ("Smartwatch", "Fitness smartwatch with heart-rate monitor, GPS and sleep tracking.", 129),
        ("Noise-Cancelling Headphones", "Over-ear headphones with active noise cancelling.", 149),
    ),
    (
        ("Electric Kettle", "1.7 L stainless steel kettle with auto shut-off.", 35),
        ("Blender", "High-speed blender with a 1.5 L glass jug and six programmes.", 69),
        ("Non-Stick Frying Pan", "28 cm non-stick frying pan, suitable for all hobs.", 32),
        ("Chef's Knife", "20 cm forged stainless steel chef's knife.", 45),
        ("Toaster", "Two-slice toaster with seven browning levels and a defrost setting.", 39),
        ("Coffee Grinder", "Burr coffee grinder with 18 grind settings.", 29),
        ("Storage Container Set", "Set of 10 airtight food containers, BPA free.", 24),
        ("Air Fryer", "5.5 L air fryer with digital display and eight presets.", 99),
    ),
    (
        ("Running Shoes", "Lightweight running shoes with a cushioned sole.", 79),
        ("Denim Jacket", "Classic denim jacket in washed cotton.", 59),
        ("Wool Sweater", "Soft merino wool sweater with a crew neck.", 49),
        ("Cotton T-Shirt", "Organic cotton T-shirt, regular fit.", 15),
        ("Slim Fit Jeans", "Stretch slim fit jeans with five pockets.", 45),
        ("Summer Dress", "Light floral dress for warm days.", 39),
        ("Rain Jacket", "Waterproof and breathable rain jacket with a hood.", 69),
        ("Leather Boots", "Ankle boots in full-grain leather.", 110),
    ),
    (),
    (
        ("Hydrating Face Cream", "Daily moisturiser with hyaluronic acid for all skin types.", 24),
        ("Vitamin C Serum", "Brightening serum with 15% vitamin C.", 29),
        ("Argan Oil Shampoo", "Sulphate-free shampoo with argan oil.", 12),
        ("Ionic Hair Dryer", "2,200 W ionic hair dryer with three heat settings.", 49),
        ("Matte Lipstick", "Long-lasting matte lipstick.", 14),
        ("Sunscreen SPF 50", "Water-resistant sunscreen, SPF 50.", 18),
        ("Electric Toothbrush", "Rechargeable toothbrush with a pressure sensor.", 59),
        ("Eau de Parfum 50 ml", "Floral and woody eau de parfum.", 65),
    ),
    (
        ("Yoga Mat", "6 mm non-slip yoga mat with a carry strap.", 29),
        ("2-Person Tent", "Lightweight two-person tent, sets up in minutes.", 89),
        ("Insulated Water Bottle", "Stainless steel bottle that keeps drinks cold for 24 hours.", 22),
        ("Hiking Backpack 30 L", "30 L hiking backpack with a rain cover.", 65),
        ("Adjustable Dumbbells", "Pair of adjustable dumbbells from 2 to 24 kg.", 120),
        ("Bike Light Set", "USB rechargeable front and rear bike lights.", 25),
        ("Running Belt", "Slim running belt for phone and keys.", 15),
        ("Camping Stove", "Compact gas camping stove with piezo ignition.", 45),
    ),
    (
        ("Wooden Puzzle", "500-piece wooden jigsaw puzzle.", 19),
        ("Family Board Game", "Board game for 2 to 6 players, ages 8 and up.", 29),
        ("Remote Control Car", "Off-road RC car with rechargeable battery.", 45),
        ("Building Blocks Set", "Creative building set with 750 pieces.", 39),
        ("Plush Bear", "Soft plush teddy bear, 40 cm.", 18),
        ("Science Kit", "Chemistry kit with 30 experiments for young scientists.", 34),
        ("Doll House", "Wooden doll house with furniture.", 79),
        ("Card Game", "Fast-paced card game for the whole family.", 12),
    ),
    (
        ("Garden Hose 25 m", "Kink-resistant 25 m garden hose with spray gun.", 35),
        ("Pruning Shears", "Bypass pruning shears with a safety lock.", 22),
        ("Cordless Lawn Mower", "36 V cordless lawn mower with a 40 L grass box.", 249),
        ("Raised Planter", "Wooden raised planter for vegetables and herbs.", 59),
        ("Solar Garden Lights", "Set of 8 solar-powered garden lights.", 29),
        ("Watering Can", "10 L watering can with a detachable rose.", 15),
        ("Hedge Trimmer", "Electric hedge trimmer with a 55 cm blade.", 89),
        ("Bird Feeder", "Hanging metal bird feeder.", 19),
    ),
)
_BRANDS = (
    ("Voltix", "Sonora", "Nexa", "Pulsar", "Kiro"),
    ("Cuisto", "Hearthly", "Maison Belle", "Brava", "Kookit"),
    ("Urbano", "Northway", "Linéa", "Stride", "Coastline"),
    (),
    ("Lumiskin", "Belle Aube", "Purea", "Veloura", "Dermalis"),
    ("Trailfox", "Altitude", "Vigor", "Summit & Co", "Aquila"),
    ("Kidoodle", "Playnest", "Brickly", "Toupie", "Wonderbox"),
    ("Verdana", "Greenthumb", "Jardino", "Bloomfield", "Terra"),
)
_MODELS = ("", " Pro", " Mini", " Plus", " 2", " X", " Lite", " Max")
_EXTRA_FEATURES = (
    "Two-year warranty.",
    "Available in several colours.",
    "Free returns within 30 days.",
    "Designed in France.",
    "Recyclable packaging.",
    "Bestseller in its category.",
)
_BOOK_ADJ = ("Silent", "Hidden", "Last", "Broken", "Golden", "Forgotten", "Winter", "Midnight", "Quiet", "Lost")
_BOOK_NOUN = ("Orchard", "Letter", "Harbour", "Kingdom", "Garden", "Promise", "River", "Atlas", "Lighthouse")
_BOOK_KINDS = (
    ("Paperback", "A gripping novel about family secrets and second chances.", 12),
    ("Hardcover", "A sweeping historical saga, beautifully bound.", 24),
    ("Cookbook", "Over 100 simple, seasonal recipes.", 22),
    ("Travel Guide", "Maps, itineraries and practical tips.", 18),
)

# ---------------------------------------------------------------------------------------------------------------
# Review text vocabulary: templates per topic, language and sentiment, with slots filled at random.
# ---------------------------------------------------------------------------------------------------------------

LANGS = ("en", "fr")
SENTIMENTS = ("neg", "neu", "pos")
TOPICS = (
    "delivery",
    "quality",
    "defect",
    "price",
    "size_fit",
    "packaging",
    "service",
    "usability",
    "authenticity",
    "other",
)

_SENTENCES: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    "delivery": {
        "en": {
            "pos": (
                "Fast delivery with {courier}, the tracking updated at every step.",
                "Arrived in {days_short} days, faster than expected.",
                "Shipping was {very} quick, I had it the next day.",
                "The parcel came two days early and {courier} left it exactly where I asked.",
                "Delivered on time and the tracking number worked perfectly.",
                "Ordered on Sunday evening, it was on my doorstep by Tuesday.",
            ),
            "neg": (
                "The package arrived {days} days late and the tracking said delivered when it wasn't.",
                "My parcel was lost by {courier} and I waited {time} for nothing.",
                "Delivery was a nightmare: {days} days late and no tracking updates at all.",
                "The box was damaged in transit, {courier} just threw it over the fence.",
                "Still waiting after {time}, the tracking hasn't moved since it left the warehouse.",
                "The courier never showed up and marked it as 'recipient absent' although I was home all day.",
                "It was left at the wrong address and I had to knock on doors to find it.",
            ),
            "neu": (
                "Delivery took {days} days, a bit slow but it got here.",
                "Shipping was a little late but {courier} kept me informed.",
                "The tracking was confusing but the parcel arrived in the end.",
            ),
        },
        "fr": {
            "pos": (
                "Livraison rapide, colis reçu en {days_short} jours avec {courier}.",
                "Colis arrivé en avance, suivi impeccable.",
                "Livré le lendemain, rien à redire sur la livraison.",
                "Livraison par {courier} sans aucun souci, le colis était bien protégé.",
                "Reçu {very} vite, le suivi était clair du début à la fin.",
            ),
            "neg": (
                "Colis reçu avec {days} jours de retard, le suivi indiquait livré alors que non.",
                "Livraison catastrophique : colis perdu par {courier}, {time} d'attente pour rien.",
                "Le colis est arrivé abîmé, le carton était complètement écrasé.",
                "Le livreur n'est jamais passé et a noté « destinataire absent » alors que j'étais chez moi.",
                "Toujours pas reçu après {time}, le numéro de suivi ne fonctionne pas.",
                "Colis déposé chez un voisin que je ne connais pas, sans aucun avis de passage.",
                "Livraison {very} lente avec {courier}, {days} jours pour un simple colis.",
            ),
            "neu": (
                "Livraison un peu longue ({days} jours) mais le colis est arrivé.",
                "Petit retard de livraison, rien de grave.",
                "Le suivi n'était pas très clair mais le colis est bien arrivé.",
            ),
        },
    },
    "quality": {
        "en": {
            "pos": (
                "The {item} feels {very} solid and well made.",
                "Build quality is {pos}, much better than I expected for the price.",
                "Great materials, the finish is flawless and it feels premium.",
                "I've been using this {item} for {time} now and it still looks brand new.",
                "Sturdy, well designed and clearly built to last.",
            ),
            "neg": (
                "The {item} feels cheap and flimsy, the plastic creaks when you touch it.",
                "Quality is {neg}, it looks nothing like the photos.",
                "Poor materials, after {time} it already looks worn out.",
                "{Very} low quality, you get what you pay for.",
                "The finish is sloppy, there are glue marks everywhere.",
            ),
            "neu": (
                "Quality is average, not bad but not great either.",
                "The {item} is decent but the materials feel a bit cheap.",
                "Okay quality for everyday use, don't expect anything premium.",
            ),
        },
        "fr": {
            "pos": (
                "{Very} bonne qualité, les finitions sont impeccables.",
                "Produit solide et bien fini, on sent la qualité.",
                "J'utilise ce {item} depuis {time} et il est comme neuf.",
                "Matériaux de qualité, bien mieux que ce que j'imaginais.",
            ),
            "neg": (
                "Qualité médiocre, le plastique fait {very} bon marché.",
                "Rien à voir avec les photos, la qualité est {very} décevante.",
                "Après {time}, le {item} est déjà usé.",
                "Finitions bâclées, on voit des traces de colle partout.",
            ),
            "neu": (
                "Qualité correcte sans plus.",
                "Qualité moyenne, ça dépanne mais ce n'est pas du haut de gamme.",
                "Correct pour un usage quotidien, sans plus.",
            ),
        },
    },
    "defect": {
        "en": {
            "pos": (
                "No defects at all, everything worked out of the box.",
                "Checked every part carefully and it was flawless.",
                "Zero issues after {time} of daily use.",
            ),
            "neg": (
                "It stopped working after {days} days, {part} just died.",
                "Arrived broken: {part} was cracked and it's unusable.",
                "Defective unit, {part} broke the first time I used it.",
                "After {days} days {part} came loose and now it's useless.",
                "Mine came with a missing piece and a big scratch on the front.",
                "Dead on arrival, I tried everything and it won't work.",
            ),
            "neu": (
                "There was a small scratch on {part} but it works fine.",
                "Minor defect on {part}, not worth the hassle of returning it.",
            ),
        },
        "fr": {
            "pos": (
                "Aucun défaut, tout fonctionnait dès le déballage.",
                "Rien de cassé, tout est parfaitement fonctionnel.",
                "Toujours aucun problème après {time} d'utilisation.",
            ),
            "neg": (
                "Tombé en panne au bout de {days} jours, problème avec {part}.",
                "Reçu cassé : défaut sur {part}, inutilisable.",
                "Article défectueux, {part} a lâché dès la première utilisation.",
                "Il manquait une pièce et il y avait une grosse rayure sur le dessus.",
                "Au bout de {days} jours, {part} ne tenait plus.",
            ),
            "neu": (
                "Petit défaut sur {part} mais ça fonctionne.",
                "Une légère rayure à la réception, pas assez pour le renvoyer.",
            ),
        },
    },
    "price": {
        "en": {
            "pos": (
                "Great value for money, I paid {amount} and it's worth every cent.",
                "For {amount} you can't beat it.",
                "Cheaper than in stores and just as good.",
            ),
            "neg": (
                "Way overpriced for what it is, not worth {amount}.",
                "I paid {amount} for this? Total rip-off.",
                "Too expensive for such basic quality.",
                "The price dropped by half a week after I bought it.",
            ),
            "neu": ("A bit pricey at {amount} but it does the job.", "Fair price, nothing special."),
        },
        "fr": {
            "pos": (
                "Excellent rapport qualité-prix, {amount} bien dépensés.",
                "Pour {amount}, difficile de trouver mieux.",
                "Moins cher qu'en magasin et tout aussi bien.",
            ),
            "neg": (
                "Beaucoup trop cher pour ce que c'est, {amount} jetés par la fenêtre.",
                "Prix abusif vu la qualité.",
                "Payé {amount} pour ça ? C'est du vol.",
            ),
            "neu": ("Un peu cher à {amount} mais ça fait le travail.", "Prix correct, sans plus."),
        },
    },
    "size_fit": {
        "en": {
            "pos": (
                "Fits true to size, I ordered my usual {size} and it's perfect.",
                "The size guide is accurate, fits like a glove.",
                "Exactly the dimensions described.",
            ),
            "neg": (
                "Runs {very} small, I ordered my usual {size} and couldn't even get it on.",
                "Way too big, the size chart is completely wrong.",
                "Much smaller than it looks in the pictures.",
                "The sleeves are too short and it's tight around the shoulders.",
            ),
            "neu": ("Runs a little large, I'd size down.", "Fit is okay but a bit tight at first."),
        },
        "fr": {
            "pos": (
                "Taille parfaitement, j'ai pris ma taille habituelle ({size}) et c'est nickel.",
                "Le guide des tailles est fiable, ça tombe {very} bien.",
                "Dimensions conformes à la description.",
            ),
            "neg": (
                "Ça taille beaucoup trop petit, impossible à enfiler en {size}.",
                "Beaucoup trop grand, le guide des tailles est faux.",
                "Bien plus petit que sur les photos.",
            ),
            "neu": ("Taille un peu grand, prenez une taille en dessous.", "Ça taille un peu juste mais ça va."),
        },
    },
    "packaging": {
        "en": {
            "pos": (
                "Nicely packaged, everything was well protected.",
                "Minimal, recyclable packaging, love that.",
                "The packaging was neat, it would make a great gift.",
            ),
            "neg": (
                "Terrible packaging: the {item} was loose in a huge box with no padding.",
                "Way too much plastic packaging for such a small thing.",
                "The box had been opened and resealed with tape, clearly used.",
                "Arrived with the seal broken.",
            ),
            "neu": ("Packaging was basic but did the job.", "The box was a bit dented but the contents were fine."),
        },
        "fr": {
            "pos": (
                "Emballage soigné, tout était bien protégé.",
                "Emballage minimal et recyclable, j'apprécie.",
                "Joli emballage, parfait pour offrir.",
            ),
            "neg": (
                "Emballage déplorable, le {item} se baladait dans un carton énorme sans protection.",
                "Beaucoup trop de plastique pour un si petit objet.",
                "Le carton avait été ouvert et refermé avec du scotch, clairement déjà utilisé.",
            ),
            "neu": ("Emballage basique mais suffisant.", "Carton un peu cabossé mais le contenu était intact."),
        },
    },
    "service": {
        "en": {
            "pos": (
                "Customer service was {very} helpful and sent a replacement within {days_short} days.",
                "I had a question and the seller answered within an hour.",
                "Support sorted out my issue quickly, no questions asked.",
                "The return was easy and I got my refund in {days_short} days.",
            ),
            "neg": (
                "Customer service is useless, I've sent {n} emails and never got a reply.",
                "The seller refused the return even though it was faulty.",
                "Still waiting for my refund after {time}.",
                "Support kept sending copy-paste answers and closed my ticket.",
            ),
            "neu": (
                "Customer service answered eventually, after {days} days.",
                "The return process was slow but I got my money back.",
            ),
        },
        "fr": {
            "pos": (
                "Service client {very} réactif, remplacement envoyé en {days_short} jours.",
                "Le vendeur a répondu à ma question en moins d'une heure.",
                "Retour facile et remboursement reçu en {days_short} jours.",
            ),
            "neg": (
                "Service client inexistant, {n} mails envoyés et aucune réponse.",
                "Le vendeur refuse le retour alors que l'article est défectueux.",
                "Toujours pas remboursé après {time}.",
                "Le SAV m'envoie des réponses toutes faites et clôture mes demandes.",
            ),
            "neu": (
                "Le service client a fini par répondre, au bout de {days} jours.",
                "Retour un peu long mais j'ai été remboursé.",
            ),
        },
    },
    "usability": {
        "en": {
            "pos": (
                "{Very} easy to use, I set it up in {minutes} minutes.",
                "Very intuitive, my {relative} figured it out without reading the manual.",
                "Does exactly what it says and it's a pleasure to use every day.",
            ),
            "neg": (
                "The instructions are useless and it took me {hours} hours to set up.",
                "Awkward to use, and {part} is in a really stupid place.",
                "Way too complicated for something so basic.",
            ),
            "neu": (
                "Takes a bit of getting used to, but works fine after that.",
                "Setup was fiddly but it's fine now.",
            ),
        },
        "fr": {
            "pos": (
                "{Very} simple à utiliser, installé en {minutes} minutes.",
                "Intuitif, {relative} s'en sert sans avoir lu la notice.",
                "Fait exactement ce qu'on lui demande, un plaisir au quotidien.",
            ),
            "neg": (
                "Notice incompréhensible, {hours} heures pour le monter.",
                "Pas pratique du tout, et {part} est une vraie galère.",
                "Beaucoup trop compliqué pour un {item} aussi basique.",
            ),
            "neu": (
                "Un petit temps d'adaptation mais ensuite ça va.",
                "Installation un peu laborieuse mais ça fonctionne.",
            ),
        },
    },
    "authenticity": {
        "en": {
            "pos": (
                "Genuine product, the serial number checks out on the brand's website.",
                "100% authentic, identical to the one I bought in store.",
            ),
            "neg": (
                "This is a fake: the logo is crooked and the serial number doesn't exist.",
                "Counterfeit product, nothing like the original.",
                "Clearly a knock-off, the packaging is full of spelling mistakes.",
            ),
            "neu": ("Not sure it's genuine, the box looks slightly different from the one in store.",),
        },
        "fr": {
            "pos": (
                "Produit authentique, le numéro de série est bien reconnu par la marque.",
                "Original, identique à celui acheté en magasin.",
            ),
            "neg": (
                "C'est une contrefaçon : logo de travers et numéro de série inexistant.",
                "Faux produit, rien à voir avec l'original.",
                "Une copie grossière, l'emballage est plein de fautes.",
            ),
            "neu": ("Je ne suis pas sûr que ce soit un original, la boîte est un peu différente.",),
        },
    },
    "other": {
        "en": {
            "pos": (
                "Bought it as a gift for my {relative} and they love it.",
                "Exactly what I was looking for.",
                "Second time I've bought this {item}, still happy with it.",
                "Would definitely buy again.",
            ),
            "neg": (
                "Not what I expected at all.",
                "Returned it the next day.",
                "I regret buying it, a complete waste of money.",
            ),
            "neu": (
                "It's fine, does what it says.",
                "Nothing special but nothing wrong either.",
                "Bought it for my {relative}, no strong opinion.",
            ),
        },
        "fr": {
            "pos": (
                "Acheté pour {relative}, qui l'adore.",
                "Exactement ce que je cherchais.",
                "Deuxième achat de ce {item}, toujours aussi satisfait.",
                "Je rachèterai sans hésiter.",
            ),
            "neg": (
                "Pas du tout ce à quoi je m'attendais.",
                "Renvoyé dès le lendemain.",
                "Je regrette cet achat, de l'argent jeté par les fenêtres.",
            ),
            "neu": ("Ça fait le travail, sans plus.", "Rien d'exceptionnel mais rien à redire non plus."),
        },
    },
}

_TITLES: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    "delivery": {
        "en": {
            "pos": ("Fast delivery", "Arrived early", "Quick shipping"),
            "neg": ("Late delivery", "Parcel never arrived", "Lost by {courier}", "Damaged in transit"),
            "neu": ("Slow shipping but ok",),
        },
        "fr": {
            "pos": ("Livraison rapide", "Colis reçu en avance"),
            "neg": ("Livraison en retard", "Colis jamais reçu", "Colis perdu", "Colis abîmé"),
            "neu": ("Livraison un peu lente",),
        },
    },
    "quality": {
        "en": {
            "pos": ("Excellent quality", "Built to last", "Solid {item}"),
            "neg": ("Cheap and flimsy", "Poor quality", "Falls apart"),
            "neu": ("Average quality",),
        },
        "fr": {
            "pos": ("Excellente qualité", "Produit solide"),
            "neg": ("Qualité médiocre", "Mauvaise qualité"),
            "neu": ("Qualité moyenne",),
        },
    },
    "defect": {
        "en": {
            "pos": ("Works perfectly",),
            "neg": ("Arrived broken", "Stopped working", "Defective"),
            "neu": ("Small defect",),
        },
        "fr": {
            "pos": ("Fonctionne parfaitement",),
            "neg": ("Reçu cassé", "En panne", "Défectueux"),
            "neu": ("Petit défaut",),
        },
    },
    "price": {
        "en": {"pos": ("Great value", "Worth every penny"), "neg": ("Overpriced", "Rip-off"), "neu": ("Pricey",)},
        "fr": {"pos": ("Bon rapport qualité-prix",), "neg": ("Trop cher", "Du vol"), "neu": ("Un peu cher",)},
    },
    "size_fit": {
        "en": {"pos": ("Perfect fit", "True to size"), "neg": ("Runs small", "Wrong size"), "neu": ("Runs large",)},
        "fr": {
            "pos": ("Taille parfaitement", "Taille idéale"),
            "neg": ("Taille trop petit", "Taille trop grand"),
            "neu": ("Taille un peu grand",),
        },
    },
    "packaging": {
        "en": {"pos": ("Nicely packaged",), "neg": ("Awful packaging", "Seal broken"), "neu": ("Dented box",)},
        "fr": {"pos": ("Emballage soigné",), "neg": ("Emballage déplorable",), "neu": ("Carton cabossé",)},
    },
    "service": {
        "en": {
            "pos": ("Great customer service", "Helpful seller"),
            "neg": ("Useless customer service", "No refund", "Seller ignores me"),
            "neu": ("Slow support",),
        },
        "fr": {
            "pos": ("SAV au top", "Vendeur réactif"),
            "neg": ("SAV inexistant", "Pas remboursé"),
            "neu": ("SAV lent",),
        },
    },
    "usability": {
        "en": {"pos": ("So easy to use", "Intuitive"), "neg": ("Impossible to set up",), "neu": ("Fiddly setup",)},
        "fr": {"pos": ("Simple à utiliser",), "neg": ("Notice incompréhensible",), "neu": ("Montage laborieux",)},
    },
    "authenticity": {
        "en": {"pos": ("Genuine product",), "neg": ("FAKE", "Counterfeit!", "Knock-off"), "neu": ("Genuine?",)},
        "fr": {
            "pos": ("Produit authentique",),
            "neg": ("Contrefaçon", "Arnaque, faux produit"),
            "neu": ("Original ?",),
        },
    },
    "other": {
        "en": {"pos": ("Lovely gift",), "neg": ("Not as expected",), "neu": ("It's ok",)},
        "fr": {"pos": ("Beau cadeau",), "neg": ("Pas ce que j'attendais",), "neu": ("Bof",)},
    },
}
_GENERIC_TITLES = {
    "en": {
        "pos": ("Great product", "Love it", "Excellent", "Five stars", "Very happy", "Great {item}", "Recommended"),
        "neg": ("Very disappointed", "Avoid", "Waste of money", "Terrible", "Do not buy", "Never again"),
        "neu": ("OK", "Average", "Not bad", "Could be better", "Meh"),
    },
    "fr": {
        "pos": ("Top", "Parfait", "Très satisfait", "Je recommande", "Super {item}", "Excellent achat"),
        "neg": ("Très déçu", "À fuir", "Arnaque", "Nul", "Argent gaspillé", "Ne l'achetez pas"),
        "neu": ("Correct", "Moyen", "Sans plus", "Peut mieux faire", "Bof"),
    },
}
_SHORT_BODIES = {
    "en": {
        "pos": (
            "Love it!",
            "Perfect.",
            "Great, thanks!",
            "Works as described.",
            "Excellent!",
            "Exactly what I needed.",
        ),
        "neg": ("Avoid.", "Junk.", "Do not buy!", "Total waste of money.", "Very disappointed.", "Broke in a week."),
        "neu": ("It's okay.", "Does the job.", "Average.", "Fine for the price."),
    },
    "fr": {
        "pos": ("Top !", "Parfait.", "Nickel, rien à dire.", "Très satisfait.", "Conforme.", "Je recommande !"),
        "neg": ("À fuir.", "Nul.", "Déçu.", "Arnaque !", "Ne l'achetez pas.", "Cassé au bout d'une semaine."),
        "neu": ("Correct.", "Moyen.", "Sans plus.", "Ça fait le job."),
    },
}
_OPENERS = {
    "en": (
        "Ordered this {time} ago.",
        "I bought this for my {relative}.",
        "Second order from this seller.",
        "Update after {time} of use:",
        "I don't usually write reviews, but here goes.",
    ),
    "fr": (
        "Commandé il y a {time}.",
        "Acheté pour {relative}.",
        "Deuxième commande chez ce vendeur.",
        "Mise à jour après {time} d'utilisation :",
        "Je laisse rarement des avis, mais là...",
    ),
}
_CLOSERS = {
    "en": {
        "pos": ("Highly recommend!", "Would buy again.", "Five stars.", "Thanks!", "Very happy overall."),
        "neg": ("Avoid.", "Do not buy.", "Never again.", "Returning it.", "Save your money."),
        "neu": ("Overall okay.", "Three stars.", "Could be better."),
    },
    "fr": {
        "pos": ("Je recommande !", "Je rachèterai.", "Merci !", "Très content."),
        "neg": ("À fuir.", "Je ne recommande pas.", "Plus jamais.", "Retour demandé."),
        "neu": ("Bilan mitigé.", "Peut mieux faire.", "Correct dans l'ensemble."),
    },
}
# Sentence starters that vary the register of a rendered sentence.
_PREFIXES = {
    "en": ("Honestly, ", "To be honest, ", "Overall, ", "Well, ", "I must say, "),
    "fr": ("Franchement, ", "Honnêtement, ", "Bref, ", "Au final, ", "Perso, "),
}

_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "time": ("a week", "two weeks", "a month", "three days", "a few days", "two months", "six weeks"),
        "courier": ("UPS", "FedEx", "USPS", "DHL", "the courier", "the delivery driver", "the post office"),
        "very": ("very", "really", "super", "incredibly", "extremely"),
        "pos": ("great", "excellent", "fantastic", "solid", "really good", "impressive"),
        "neg": ("terrible", "awful", "disappointing", "poor", "shocking", "pathetic"),
        "size": ("S", "M", "L", "XL", "size 8", "size 10", "10.5"),
        "relative": ("wife", "husband", "son", "daughter", "mum", "dad", "sister", "partner", "neighbour"),
    },
    "fr": {
        "time": ("une semaine", "deux semaines", "un mois", "trois jours", "quelques jours", "deux mois"),
        "courier": ("Colissimo", "Chronopost", "Mondial Relay", "DPD", "La Poste", "le livreur", "GLS"),
        "very": ("très", "vraiment", "super", "hyper"),
        "pos": ("excellent", "top", "parfait", "génial", "impeccable"),
        "neg": ("nul", "médiocre", "décevant", "catastrophique"),
        "size": ("S", "M", "L", "XL", "38", "40", "42"),
        "relative": ("ma femme", "mon mari", "mon fils", "ma fille", "ma mère", "mon père", "ma sœur", "mon frère"),
    },
}
# Review slots that depend on the category: a generic noun for the product (so a review never names the wrong
# kind of product) and a part that can break. French nouns are all masculine so the templates agree.
_ITEMS = {
    "en": (
        ("device", "gadget", "product"),
        ("appliance", "product", "item"),
        ("item", "piece", "product"),
        ("book", "edition", "copy"),
        ("product", "item"),
        ("gear", "product", "item"),
        ("toy", "set", "game"),
        ("tool", "product", "item"),
    ),
    "fr": (
        ("appareil", "produit"),
        ("produit", "article", "appareil"),
        ("vêtement", "article"),
        ("livre", "bouquin"),
        ("produit", "soin"),
        ("produit", "article"),
        ("jouet", "jeu"),
        ("outil", "produit"),
    ),
}
_PARTS = {
    "en": (
        ("the battery", "the charging port", "the power button", "the cable", "the screen"),
        ("the lid", "the handle", "the switch", "the seal", "the power cord"),
        ("the zipper", "the sole", "a button", "the stitching", "the waistband"),
        ("the binding", "the cover", "the spine"),
        ("the pump", "the cap", "the nozzle", "the bottle"),
        ("the strap", "the buckle", "the zip", "the valve"),
        ("a wheel", "the battery compartment", "the remote", "one of the pieces"),
        ("the connector", "the handle", "the blade", "the nozzle"),
    ),
    "fr": (
        ("la batterie", "le port de charge", "le bouton", "le câble", "l'écran"),
        ("le couvercle", "la poignée", "l'interrupteur", "le joint", "le cordon"),
        ("la fermeture éclair", "la semelle", "un bouton", "la couture", "la ceinture"),
        ("la reliure", "la couverture", "le dos"),
        ("la pompe", "le bouchon", "l'embout", "le flacon"),
        ("la sangle", "la boucle", "la fermeture", "la valve"),
        ("une roue", "le compartiment à piles", "la télécommande", "une des pièces"),
        ("le raccord", "la poignée", "la lame", "la buse"),
    ),
}

# ---------------------------------------------------------------------------------------------------------------
# PII templates and formats. Every template has exactly one `{v}`, the planted value.
# ---------------------------------------------------------------------------------------------------------------

# PERSON templates carry the gender of the name they need ("" for any).
_PII_BODY: dict[str, dict[PiiType, tuple[tuple[str, str], ...]]] = {
    "en": {
        PiiType.PERSON: (
            ("m", "My husband {v} loves it."),
            ("f", "My wife {v} uses it every day."),
            ("", "Bought it for {v} and they love it."),
            ("", "My colleague {v} recommended it."),
            ("", "The driver left it with {v} next door."),
        ),
        PiiType.EMAIL: (
            ("", "Feel free to email me at {v} if you have questions."),
            ("", "Seller, please contact me at {v} about the refund."),
            ("", "I sent the photos to {v} like they asked, nothing since."),
        ),
        PiiType.PHONE: (
            ("", "Call me at {v} if you need more details."),
            ("", "The courier can reach me on {v}."),
            ("", "My number is {v} and nobody ever called."),
        ),
        PiiType.ADDRESS: (
            ("", "It was delivered to {v} instead of my place."),
            ("", "Please resend it to {v}."),
            ("", "My address is {v} and it still went to the wrong house."),
        ),
        PiiType.CARD: (
            ("", "They charged my card {v} twice!"),
            ("", "Refund it to my card {v} please."),
            ("", "Paid with {v} and never received a receipt."),
        ),
    },
    "fr": {
        PiiType.PERSON: (
            ("m", "Mon mari {v} l'adore."),
            ("f", "Ma femme {v} s'en sert tous les jours."),
            ("", "Offert à {v} pour son anniversaire."),
            ("", "C'est {v} qui me l'a conseillé."),
            ("", "Le livreur l'a laissé chez {v}, au rez-de-chaussée."),
        ),
        PiiType.EMAIL: (
            ("", "N'hésitez pas à m'écrire à {v} si vous avez des questions."),
            ("", "Vendeur, contactez-moi à {v} pour le remboursement."),
            ("", "J'ai envoyé les photos à {v} comme demandé, aucune réponse."),
        ),
        PiiType.PHONE: (
            ("", "Appelez-moi au {v} si besoin."),
            ("", "Le livreur peut me joindre au {v}."),
            ("", "Mon numéro est le {v}, personne n'a jamais appelé."),
        ),
        PiiType.ADDRESS: (
            ("", "Livré au {v} au lieu de chez moi."),
            ("", "Merci de renvoyer le colis au {v}."),
            ("", "Mon adresse est {v} et le colis est quand même parti ailleurs."),
        ),
        PiiType.CARD: (
            ("", "Ils ont débité ma carte {v} deux fois !"),
            ("", "Remboursez sur ma carte {v} svp."),
            ("", "Payé avec la carte {v}, jamais reçu de facture."),
        ),
    },
}
_SIGN_OFFS = {"en": ("— {v}", "Thanks, {v}", "Cheers, {v}"), "fr": ("— {v}", "Merci, {v}", "Cordialement, {v}")}
_PII_TITLES: dict[str, dict[PiiType, tuple[str, ...]]] = {
    "en": {
        PiiType.PERSON: ("Review by {v}", "Gift for {v}", "{v}'s verdict"),
        PiiType.EMAIL: ("Contact me: {v}", "Seller, write to {v}"),
        PiiType.PHONE: ("Call me {v}", "Courier, call {v}"),
    },
    "fr": {
        PiiType.PERSON: ("Avis de {v}", "Cadeau pour {v}"),
        PiiType.EMAIL: ("Contact : {v}", "Écrivez-moi à {v}"),
        PiiType.PHONE: ("Appelez-moi au {v}", "Livreur : {v}"),
    },
}
_PII_TYPES = (PiiType.PERSON, PiiType.EMAIL, PiiType.PHONE, PiiType.ADDRESS, PiiType.CARD)
_PII_TYPE_P = np.array([0.35, 0.20, 0.20, 0.13, 0.12])
_TITLE_PII_TYPES = 3  # the first three types may also go in a title
_PHONE_FORMATS = {
    # Faker's numerify: '#' any digit, '%' 1-9. US numbers stay in the fictional 555-01xx range.
    "en": ("+1 %##-555-01##", "(%##) 555-01##", "%##-555-01##", "+1 (%##) 555-01##", "+44 20 7946 0###"),
    "fr": ("06 ## ## ## ##", "07 ## ## ## ##", "+33 6 ## ## ## ##", "+33 7 ## ## ## ##", "06.##.##.##.##",
           "01 ## ## ## ##", "06########"),
}  # fmt: skip
_CITIES = {
    "fr": (
        ("Paris", "750"), ("Lyon", "6900"), ("Marseille", "130"), ("Toulouse", "3100"), ("Nantes", "4400"),
        ("Bordeaux", "3300"), ("Lille", "5900"), ("Rennes", "3500"), ("Strasbourg", "6700"), ("Nice", "0600"),
        ("Grenoble", "3800"), ("Dijon", "2100"),
    ),
    "en": (
        ("Springfield", "IL", "627"), ("Austin", "TX", "787"), ("Portland", "OR", "972"), ("Denver", "CO", "802"),
        ("Columbus", "OH", "432"), ("Madison", "WI", "537"), ("Raleigh", "NC", "276"), ("Boise", "ID", "837"),
        ("Tucson", "AZ", "857"), ("Albany", "NY", "122"),
    ),
}  # fmt: skip
_POOL_SIZE = 256  # distinct Faker values per (language, PII type)
_SENTENCE_POOL = 48  # renders per (category, language, topic, sentiment)
_TITLE_POOL = 24

# ---------------------------------------------------------------------------------------------------------------
# Distributions.
# ---------------------------------------------------------------------------------------------------------------

RATING_P = np.array([0.12, 0.05, 0.08, 0.20, 0.55])  # 1..5 stars, J-shaped like real stores
_SENT_OF_RATING = np.array([0, 0, 0, 1, 2, 2, 0], dtype=np.int8)  # index by rating; neg / neu / pos
MISMATCH_SHARE = 0.03  # of all reviews: a 5-star angry text or a 1-star happy one
FRENCH_CUSTOMER_SHARE = 0.36
PII_SHARE = 0.20
VERIFIED_SHARE = 0.72  # of the rows that can be verified; about 70% of all reviews
IMAGE_SHARE = 0.15
_TOPIC_BASE = np.array([0.20, 0.18, 0.10, 0.10, 0.03, 0.05, 0.07, 0.12, 0.03, 0.12])
# Unhappy customers write about delivery, defects, service and fakes more often than happy ones.
_TOPIC_NEG_BOOST = np.array([1.8, 1.0, 1.8, 1.0, 1.0, 1.2, 1.8, 0.8, 1.8, 0.7])
_HOUR_W = np.array(
    [2.0, 1.4, 1.0, 0.7, 0.6, 0.7, 1.2, 2.2, 3.2, 3.8, 4.1, 4.4, 4.8, 4.6, 4.4, 4.5, 4.8, 5.2, 5.8, 6.3, 6.5,
     6.0, 4.6, 3.0]
)  # fmt: skip
_HOUR_P = _HOUR_W / _HOUR_W.sum()

# Planted defects: share of rows per reason. At least one of each per day from this many reviews on.
# About 2.4% of rows in all: a few percent, like a real store, and clear of the reject-rate ERROR at 5%.
DEFECT_RATES: dict[RejectionReason, float] = {
    RejectionReason.MISSING_BUYER: 0.002,
    RejectionReason.UNKNOWN_PRODUCT: 0.002,
    RejectionReason.INVALID_RATING: 0.003,
    RejectionReason.EMPTY_TEXT: 0.012,
    RejectionReason.TEXT_TOO_LONG: 0.0005,
    RejectionReason.DUPLICATE_REVIEW: 0.004,
}
MIN_REVIEWS_FOR_EVERY_DEFECT = 200
_INVALID_RATINGS = (None, 0, 6, -1)
_EMPTY_TEXTS = (None, "", "   ", "\n", "👍👍", "👍", "😡😡😡", "⭐⭐⭐⭐⭐", "🙏", "❤️❤️")
_UNKNOWN_P_ID_BASE = 900_000  # far above the catalogue's ids (category_id * 1000 + n)
_MAX_GOOD_TEXT = 12_000  # long-tail reviews stay well under MAX_TEXT_CHARS
_GOOD, _MISSING, _UNKNOWN, _INVALID, _EMPTY, _TOO_LONG, _DUP = range(7)
_KIND_OF = dict(zip(RejectionReason, range(1, 7), strict=True))


# ---------------------------------------------------------------------------------------------------------------
# Catalogue and pools: everything that depends on the seed only.
# ---------------------------------------------------------------------------------------------------------------


class _Catalogue(NamedTuple):
    category: pl.DataFrame
    product: pl.DataFrame
    customer: pl.DataFrame
    p_ids: np.ndarray
    p_cat: np.ndarray  # category index 0..7 per product
    p_weight: np.ndarray  # review popularity
    buyer_ids: np.ndarray
    buyer_fr: np.ndarray  # customer locale is fr_FR
    buyer_weight: np.ndarray
    topic_cum: np.ndarray  # [sentiment, category, topic] cumulative topic probabilities
    sentences: list  # [category][lang][topic][sentiment] -> list of rendered sentences
    titles: list  # [category][lang][topic][sentiment] -> list of rendered titles
    openers: list  # [category][lang] -> list of rendered openers
    persons: list  # [lang][0 = male, 1 = female] -> names
    pii: list  # [lang][PII type index] -> values; PERSON mixes both genders


_FORMATTER = string.Formatter()
_FR_VOWEL_ITEMS = "|".join(sorted({w for items in _ITEMS["fr"] for w in items if w[0] in "aeiouéè"}))
_FR_CE = re.compile(rf"\bce ({_FR_VOWEL_ITEMS})\b")
_FR_LE = re.compile(rf"\b([Ll])e ({_FR_VOWEL_ITEMS})\b")


def _slot_fillers(lang: str, cat: int) -> dict:
    words = _WORDS[lang]

    def amount(rnd: random.Random) -> str:
        euros = rnd.choice((9, 12, 15, 19, 25, 29, 35, 39, 49, 59, 79, 99, 129, 199))
        cents = rnd.choice(("", "", ".99"))
        return f"${euros}{cents}" if lang == "en" else f"{euros}{cents.replace('.', ',')} €"

    fillers = {name: (lambda rnd, opts=opts: rnd.choice(opts)) for name, opts in words.items()}
    fillers["Very"] = lambda rnd: rnd.choice(words["very"]).capitalize()
    fillers["item"] = lambda rnd: rnd.choice(_ITEMS[lang][cat])
    fillers["part"] = lambda rnd: rnd.choice(_PARTS[lang][cat])
    fillers["days"] = lambda rnd: str(rnd.randint(3, 21))
    fillers["days_short"] = lambda rnd: str(rnd.randint(2, 4))
    fillers["n"] = lambda rnd: str(rnd.randint(2, 7))
    fillers["minutes"] = lambda rnd: str(rnd.randint(2, 20))
    fillers["hours"] = lambda rnd: str(rnd.randint(2, 5))
    fillers["amount"] = amount
    return fillers


def _render(template: str, fillers: dict, rnd: random.Random) -> str:
    names = [name for _, name, _, _ in _FORMATTER.parse(template) if name]
    text = template.format(**{name: fillers[name](rnd) for name in names}) if names else template
    # French elides before a vowel: "ce article" -> "cet article", "le outil" -> "l'outil".
    text = _FR_CE.sub(r"cet \1", text)
    return _FR_LE.sub(r"\1'\2", text)


def _sentence_pool(templates: tuple[str, ...], lang: str, fillers: dict, rnd: random.Random) -> list[str]:
    pool = []
    for _ in range(_SENTENCE_POOL):
        text = _render(rnd.choice(templates), fillers, rnd)
        if rnd.random() < 0.12 and text[1:2].islower():  # "Honestly, the box..." but never "Honestly, uPS"
            text = rnd.choice(_PREFIXES[lang]) + text[0].lower() + text[1:]
        if rnd.random() < 0.08 and text.endswith("."):
            text = text[:-1] + "!"
        pool.append(text)
    return pool


def _title_pool(topic: str, lang: str, sent: str, fillers: dict, rnd: random.Random) -> list[str]:
    pool = []
    for _ in range(_TITLE_POOL):
        source = _TITLES[topic][lang][sent] if rnd.random() < 0.6 else _GENERIC_TITLES[lang][sent]
        title = _render(rnd.choice(source), fillers, rnd)
        roll = rnd.random()
        if sent == "neg" and roll < 0.1:
            title = title.upper()
        elif roll < 0.25:
            title += "!" if sent == "pos" else "..." if sent == "neu" else "!!"
        pool.append(title)
    return pool


def _ascii(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text).lower() if c.isascii() and c.isalnum())


def _email(first: str, last: str, fake: Faker, rnd: random.Random) -> str:
    first, last = _ascii(first), _ascii(last)
    local = rnd.choice(
        (f"{first}.{last}", f"{first[0]}{last}", f"{first}{last}{rnd.randint(1, 99)}", f"{last}.{first}")
    )
    return f"{local}@{fake.free_email_domain()}"


def _address(lang: str, fake: Faker, rnd: random.Random) -> str:
    if lang == "fr":
        city, prefix = rnd.choice(_CITIES["fr"])
        postcode = prefix + f"{rnd.randint(1, 20):02d}" if len(prefix) == 3 else prefix + str(rnd.randint(0, 9))
        street = re.sub(r"\bde ([AEIOUÉH])", r"d'\1", fake.street_name())
        return f"{rnd.randint(1, 180)} {street}, {postcode} {city}"
    city, state, zip3 = rnd.choice(_CITIES["en"])
    return f"{rnd.randint(10, 9899)} {fake.street_name()}, {city}, {state} {zip3}{rnd.randint(0, 99):02d}"


def _card(fake: Faker, rnd: random.Random) -> str:
    digits = fake.credit_card_number(rnd.choice(("visa16", "mastercard")))
    style = rnd.random()
    if style < 0.6:
        return " ".join(digits[k : k + 4] for k in range(0, 16, 4))
    return digits if style < 0.9 else "-".join(digits[k : k + 4] for k in range(0, 16, 4))


@functools.lru_cache(maxsize=4)
def _catalogue(seed: int) -> _Catalogue:
    rnd = random.Random(seed)
    rng = np.random.default_rng([seed, 0])
    fakers = {"en": Faker("en_US"), "fr": Faker("fr_FR")}
    for offset, fake in enumerate(fakers.values()):
        fake.seed_instance(seed * 2 + offset)

    # Products: 40 distinct brand/type/model names per category, priced around their type's typical price.
    names, descs, prices, cat_ids = [], [], [], []
    for cat, types in enumerate(_PRODUCT_TYPES):
        if cat == _BOOKS:
            combos = [(a, b, k) for a in _BOOK_ADJ for b in _BOOK_NOUN for k in range(len(_BOOK_KINDS))]
            for adj, noun, k in rnd.sample(combos, PRODUCTS_PER_CATEGORY):
                kind, desc, price = _BOOK_KINDS[k]
                names.append(f"The {adj} {noun} ({kind})")
                descs.append(desc)
                prices.append(price)
        else:
            combos = [(b, t, m) for b in _BRANDS[cat] for t in range(len(types)) for m in _MODELS]
            for brand, t, model in rnd.sample(combos, PRODUCTS_PER_CATEGORY):
                kind, desc, price = types[t]
                names.append(f"{brand} {kind}{model}")
                descs.append(f"{desc} {rnd.choice(_EXTRA_FEATURES)}")
                prices.append(price * (1.4 if model in (" Pro", " Max") else 1.0))
        cat_ids += [cat + 1] * PRODUCTS_PER_CATEGORY
    price = np.array(prices) * rng.lognormal(0.0, 0.2, len(prices))
    price = np.maximum(np.floor(price) + 0.99, 4.99)
    p_cat = np.array(cat_ids, dtype=np.int32) - 1
    p_ids = (p_cat + 1) * 1000 + np.tile(np.arange(1, PRODUCTS_PER_CATEGORY + 1), len(CATEGORIES))
    p_weight = 1.0 / (rng.permutation(len(p_ids)) + 1.0) ** 0.7  # a few bestsellers, a long tail
    product = pl.DataFrame(
        {"p_id": p_ids, "p_name": names, "p_desc": descs, "price": price, "category_id": p_cat + 1},
        schema=PRODUCT_SCHEMA,
    )
    category = pl.DataFrame({"category_id": range(1, len(CATEGORIES) + 1), "name": CATEGORIES}, schema=CATEGORY_SCHEMA)

    # Customers, French or American; some have no phone on file.
    buyer_fr = rng.random(N_CUSTOMERS) < FRENCH_CUSTOMER_SHARE
    rows = []
    for is_fr in buyer_fr.tolist():
        lang = "fr" if is_fr else "en"
        fake = fakers[lang]
        first, last = fake.first_name(), fake.last_name()
        phone = fake.numerify(rnd.choice(_PHONE_FORMATS[lang])) if rnd.random() < 0.9 else None
        rows.append((first, last, _email(first, last, fake, rnd), phone))
    buyer_ids = np.arange(1, N_CUSTOMERS + 1, dtype=np.int64)
    customer = pl.DataFrame(
        {
            "buyer_id": buyer_ids,
            **dict(zip(("fname", "lname", "email", "phone"), zip(*rows, strict=True), strict=True)),
        },
        schema=CUSTOMER_SCHEMA,
    )
    buyer_weight = rng.gamma(0.6, size=N_CUSTOMERS)  # a few prolific reviewers

    # Topic mix per sentiment and category: size and fit is mostly a clothing topic, books have little of it.
    topic_w = np.tile(_TOPIC_BASE, (3, len(CATEGORIES), 1))
    topic_w[0] *= _TOPIC_NEG_BOOST
    topic_w[:, _CLOTHING, TOPICS.index("size_fit")] = 0.25
    topic_w[:, _BOOKS, TOPICS.index("size_fit")] = 0.0
    topic_w[:, _BOOKS, TOPICS.index("usability")] = 0.02
    topic_cum = np.cumsum(topic_w / topic_w.sum(axis=2, keepdims=True), axis=2)

    sentences, titles, openers = [], [], []
    for cat in range(len(CATEGORIES)):
        s_cat, t_cat, o_cat = [], [], []
        for lang in LANGS:
            fillers = _slot_fillers(lang, cat)
            s_cat.append(
                [[_sentence_pool(_SENTENCES[t][lang][s], lang, fillers, rnd) for s in SENTIMENTS] for t in TOPICS]
            )
            t_cat.append([[_title_pool(t, lang, s, fillers, rnd) for s in SENTIMENTS] for t in TOPICS])
            o_cat.append([_render(rnd.choice(_OPENERS[lang]), fillers, rnd) for _ in range(_TITLE_POOL)])
        sentences.append(s_cat)
        titles.append(t_cat)
        openers.append(o_cat)

    persons, pii = [], []
    for lang in LANGS:
        fake = fakers[lang]
        male = [f"{fake.first_name_male()} {fake.last_name()}" for _ in range(_POOL_SIZE // 2)]
        female = [f"{fake.first_name_female()} {fake.last_name()}" for _ in range(_POOL_SIZE // 2)]
        emails = [_email(fake.first_name(), fake.last_name(), fake, rnd) for _ in range(_POOL_SIZE)]
        phones = [fake.numerify(rnd.choice(_PHONE_FORMATS[lang])) for _ in range(_POOL_SIZE)]
        addresses = [_address(lang, fake, rnd) for _ in range(_POOL_SIZE)]
        cards = [_card(fake, rnd) for _ in range(_POOL_SIZE)]
        persons.append([male, female])
        pii.append([male + female, emails, phones, addresses, cards])

    return _Catalogue(
        category=category,
        product=product,
        customer=customer,
        p_ids=p_ids.astype(np.int64),
        p_cat=p_cat,
        p_weight=p_weight / p_weight.sum(),
        buyer_ids=buyer_ids,
        buyer_fr=buyer_fr,
        buyer_weight=buyer_weight / buyer_weight.sum(),
        topic_cum=topic_cum,
        sentences=sentences,
        titles=titles,
        openers=openers,
        persons=persons,
        pii=pii,
    )


# ---------------------------------------------------------------------------------------------------------------
# One day of reviews: everything depends on (seed, date) only.
# ---------------------------------------------------------------------------------------------------------------


class _Day(NamedTuple):
    orders: pl.DataFrame
    review: pl.DataFrame
    review_images: pl.DataFrame
    planted_pii: pl.DataFrame
    rejections: pl.DataFrame  # the planted bad rows and their reason: the generator's own ground truth


def _sample_topics(rng: np.random.Generator, cum: np.ndarray) -> np.ndarray:
    """One topic per row from per-row cumulative probabilities (rows x topics)."""
    return np.minimum((rng.random(len(cum))[:, None] >= cum).sum(axis=1), len(TOPICS) - 1)


def _to_datetime(micros: np.ndarray) -> pl.Series:
    return pl.Series(micros, dtype=pl.Int64).cast(pl.Datetime("us")).dt.replace_time_zone("UTC")


def _generate_day(cat: _Catalogue, day: dt.date, n: int, seed: int) -> _Day:
    rng = np.random.default_rng([seed, 1, day.toordinal()])
    id_base = (day - ID_EPOCH).days * IDS_PER_DAY
    day_us = (day - _UNIX_EPOCH).days * _DAY_US

    # Strictly increasing timestamps, so review_id order is time order and a duplicate is always later.
    hours = rng.choice(24, size=n, p=_HOUR_P)
    micros = np.sort(((hours + rng.random(n)) * ((_DAY_US - n) / 24)).astype(np.int64)) + np.arange(n)

    p_idx = rng.choice(len(cat.p_ids), size=n, p=cat.p_weight)
    b_idx = rng.choice(len(cat.buyer_ids), size=n, p=cat.buyer_weight)
    rating = rng.choice(np.arange(1, 6), size=n, p=RATING_P)
    category = cat.p_cat[p_idx]
    fr = np.where(cat.buyer_fr[b_idx], rng.random(n) < 0.92, rng.random(n) < 0.03).astype(np.int8)

    # Defects, mutually exclusive; row 0 stays good so that every duplicate has an earlier original.
    kind = np.zeros(n, dtype=np.int8)
    counts = rng.binomial(n, list(DEFECT_RATES.values()))
    if n >= MIN_REVIEWS_FOR_EVERY_DEFECT:
        counts = np.maximum(counts, 1)
    counts = np.minimum(counts, max(n - 1, 0) // len(counts))  # tiny days: never more bad rows than rows
    positions = rng.permutation(np.arange(1, n))[: counts.sum()]
    kind[positions] = np.repeat([_KIND_OF[r] for r in DEFECT_RATES], counts)

    # Text sentiment follows the rating, except for a few deliberate mismatches at the extremes.
    sent = _SENT_OF_RATING[rating]
    extreme = (rating == 1) | (rating == 5)
    mismatch = extreme & (rng.random(n) < MISMATCH_SHARE / (RATING_P[0] + RATING_P[4]))
    sent = np.where(mismatch, 2 - sent, sent).astype(np.int8)
    topic1 = _sample_topics(rng, cat.topic_cum[sent, category])
    topic2 = _sample_topics(rng, cat.topic_cum[sent, category])
    topic2 = np.where((rng.random(n) < 0.25) & (topic2 != topic1), topic2, -1)
    # A second topic often pulls the other way: "great product, slow delivery".
    flip = rng.random(n)
    sent2 = np.where(rating == 3, np.where(flip < 0.5, 0, 2), sent)
    sent2 = np.where((rating == 4) & (flip < 0.35), 0, np.where((rating == 2) & (flip < 0.2), 2, sent2))
    sent2 = np.where(mismatch, sent, sent2)

    # Length: mostly one or two sentences, a long tail of essays.
    short = rng.random(n) < 0.18
    u = rng.random(n)
    extras = np.select(
        [u < 0.64, u < 0.84, u < 0.945, u < 0.988],
        [0, 1, rng.integers(2, 5, n), rng.integers(5, 20, n)],
        rng.integers(20, 130, n),
    )
    extras[short] = 0
    ext_row = np.repeat(np.arange(n), extras)
    ext_topic = _sample_topics(rng, cat.topic_cum[sent[ext_row], category[ext_row]])
    ext_sent = np.where(sent[ext_row] == 1, rng.integers(0, 3, len(ext_row)), sent[ext_row])
    ext_start = np.cumsum(extras) - extras
    opener = rng.random(n) < 0.10
    closer = rng.random(n) < 0.30
    lower = rng.random(n) < 0.06
    picks = rng.integers(0, 1 << 30, size=(n, 5))  # title, first, opener, second, closer
    ext_pick = rng.integers(0, 1 << 30, size=len(ext_row))

    # PII: one or two values in ~20% of the rows whose text is real (duplicates inherit their original's).
    eligible = (kind != _EMPTY) & (kind != _DUP)
    has_pii = eligible & (rng.random(n) < PII_SHARE / max(eligible.sum() / max(n, 1), 1e-9))
    n_pii = np.where(rng.random(n) < 0.2, 2, 1)
    pii_type = rng.choice(len(_PII_TYPES), size=(n, 2), p=_PII_TYPE_P)
    pii_in_title = (pii_type < _TITLE_PII_TYPES) & (rng.random((n, 2)) < 0.15)
    pii_picks = rng.integers(0, 1 << 30, size=(n, 2, 3))

    empty_text = rng.integers(0, len(_EMPTY_TEXTS), n)
    too_long_extra = rng.integers(1, 8_000, n)

    titles: list[str] = []
    bodies: list[str | None] = []
    planted: dict[int, list[tuple[str, str, str]]] = {}
    cat_l, fr_l, sent_l, sent2_l = category.tolist(), fr.tolist(), sent.tolist(), sent2.tolist()
    t1_l, t2_l, kind_l = topic1.tolist(), topic2.tolist(), kind.tolist()
    ext_start_l, extras_l = ext_start.tolist(), extras.tolist()
    ext_topic_l, ext_sent_l, ext_pick_l = ext_topic.tolist(), ext_sent.tolist(), ext_pick.tolist()
    picks_l = picks.tolist()
    short_l, opener_l, closer_l, lower_l = short.tolist(), opener.tolist(), closer.tolist(), lower.tolist()
    has_pii_l, n_pii_l = has_pii.tolist(), n_pii.tolist()
    pii_type_l, pii_in_title_l, pii_picks_l = pii_type.tolist(), pii_in_title.tolist(), pii_picks.tolist()
    for i in range(n):
        c, lang, s = cat_l[i], fr_l[i], sent_l[i]
        lang_code = LANGS[lang]
        pool_s = cat.sentences[c][lang]
        r = picks_l[i]
        title = (pool_t := cat.titles[c][lang][t1_l[i]][s])[r[0] % len(pool_t)]

        if kind_l[i] == _TOO_LONG:
            # Past the platform's limit, like a pasted essay; built here because it needs hundreds of sentences.
            target, parts, size = MAX_TEXT_CHARS + int(too_long_extra[i]), [], 0
            while size <= target:
                for t, p in rng.integers(0, 1 << 30, size=(400, 2)).tolist():
                    sentence = pool_s[t % len(TOPICS)][s][p % _SENTENCE_POOL]
                    parts.append(sentence)
                    size += len(sentence) + 1
                    if size > target:
                        break
        elif short_l[i]:
            parts = [(pool := _SHORT_BODIES[lang_code][SENTIMENTS[s]])[r[1] % len(pool)]]
        else:
            parts = [cat.openers[c][lang][r[2] % _TITLE_POOL]] if opener_l[i] else []
            parts.append(pool_s[t1_l[i]][s][r[1] % _SENTENCE_POOL])
            if t2_l[i] >= 0:
                parts.append(pool_s[t2_l[i]][sent2_l[i]][r[3] % _SENTENCE_POOL])
            size = 0
            for k in range(ext_start_l[i], ext_start_l[i] + extras_l[i]):
                sentence = pool_s[ext_topic_l[k]][ext_sent_l[k]][ext_pick_l[k] % _SENTENCE_POOL]
                size += len(sentence) + 1
                if size > _MAX_GOOD_TEXT:
                    break
                parts.append(sentence)
            if closer_l[i]:
                parts.append((pool := _CLOSERS[lang_code][SENTIMENTS[s]])[r[4] % len(pool)])
        if lower_l[i]:
            parts = [part.lower() for part in parts]

        if has_pii_l[i]:
            row_pii: list[tuple[str, str, str]] = []
            signed = False
            for j in range(n_pii_l[i]):
                type_idx, (p_value, p_template, p_position) = pii_type_l[i][j], pii_picks_l[i][j]
                pii_type_ = _PII_TYPES[type_idx]
                gender, template = (templates := _PII_BODY[lang_code][pii_type_])[p_template % len(templates)]
                values = cat.persons[lang][gender == "f"] if gender else cat.pii[lang][type_idx]
                value = values[p_value % len(values)]
                if any(value == planted_value for _, _, planted_value in row_pii):
                    continue
                if pii_in_title_l[i][j] and all(field != "title" for field, _, _ in row_pii):
                    title_templates = _PII_TITLES[lang_code][pii_type_]
                    title = title_templates[p_template % len(title_templates)].format(v=value)
                    row_pii.append(("title", pii_type_.value, value))
                    continue
                if type_idx == 0 and not signed and p_position % 5 < 2:  # a sign-off closes the review
                    parts.append((sign_offs := _SIGN_OFFS[lang_code])[p_template % len(sign_offs)].format(v=value))
                    signed = True
                else:
                    parts.insert(p_position % (len(parts) + 1 - signed), template.format(v=value))
                row_pii.append(("r_desc", pii_type_.value, value))
            planted[i] = row_pii

        if kind_l[i] == _EMPTY:
            body = _EMPTY_TEXTS[int(empty_text[i])]
        elif len(parts) > 6:
            body = "\n\n".join(" ".join(parts[k : k + 4]) for k in range(0, len(parts), 4))
        else:
            body = " ".join(parts)
        titles.append(title)
        bodies.append(body)

    p_id: list[int] = cat.p_ids[p_idx].tolist()
    rating_l: list[int | None] = rating.tolist()
    invalid_rating = rng.integers(0, len(_INVALID_RATINGS), n)
    unknown_p_id = _UNKNOWN_P_ID_BASE + rng.integers(0, 100_000, n)
    for i in np.flatnonzero(kind == _UNKNOWN).tolist():
        p_id[i] = int(unknown_p_id[i])
    for i in np.flatnonzero(kind == _INVALID).tolist():
        rating_l[i] = _INVALID_RATINGS[int(invalid_rating[i])]

    # Bump the buyer of any accidental (buyer, product, text) repeat, so that only planted rows are duplicates.
    buyer = b_idx.tolist()
    seen: set[tuple] = set()
    for i in range(n):
        if kind_l[i] in (_MISSING, _DUP):
            continue
        while (key := (buyer[i], p_id[i], bodies[i])) in seen:
            buyer[i] = (buyer[i] + 1) % len(cat.buyer_ids)
        seen.add(key)
    buyer_id: list[int | None] = cat.buyer_ids[buyer].tolist()
    for i in np.flatnonzero(kind == _MISSING).tolist():
        buyer_id[i] = None

    # A duplicate re-posts one of the good reviews just before it (a double submission).
    good = np.flatnonzero(kind == _GOOD)
    back = rng.integers(1, 30, n)
    for i in np.flatnonzero(kind == _DUP).tolist():
        j = int(good[max(0, int(np.searchsorted(good, i)) - int(back[i]))])
        buyer_id[i], p_id[i], rating_l[i] = buyer_id[j], p_id[j], rating_l[j]
        titles[i], bodies[i] = titles[j], bodies[j]
        if j in planted:
            planted[i] = planted[j]

    review_ids = id_base + np.arange(n, dtype=np.int64)
    created = day_us + micros
    review = pl.DataFrame(
        {
            "review_id": review_ids,
            "buyer_id": buyer_id,
            "p_id": p_id,
            "title": titles,
            "r_desc": bodies,
            "rating": rating_l,
            "created_at": _to_datetime(created),
        },
        schema=REVIEW_SCHEMA,
    )

    # Orders: a verified buyer ordered this product before reviewing it; some others ordered something else.
    orderable = (kind != _MISSING) & (kind != _UNKNOWN) & (kind != _DUP)
    roll = rng.random(n)
    verified = orderable & (roll < VERIFIED_SHARE)
    other = orderable & ~verified & (roll > 1 - 0.3 * (1 - VERIFIED_SHARE))
    other_p = (p_idx + rng.integers(1, len(cat.p_ids), n)) % len(cat.p_ids)
    lag_us = np.clip(rng.lognormal(np.log(6.0), 0.9, n), 0.1, 90.0) * _DAY_US
    with_order = np.flatnonzero(verified | other)
    order_p = np.where(verified, np.asarray(p_id, dtype=np.int64), cat.p_ids[other_p])
    orders = pl.DataFrame(
        {
            "order_id": review_ids[with_order],
            "buyer_id": cat.buyer_ids[np.asarray(buyer, dtype=np.int64)][with_order],
            "p_id": order_p[with_order],
            "order_date": _to_datetime((created - lag_us.astype(np.int64))[with_order]),
        },
        schema=ORDERS_SCHEMA,
    )

    n_images = np.where(rng.random(n) < IMAGE_SHARE, rng.choice([1, 2, 3], size=n, p=[0.6, 0.25, 0.15]), 0)
    image_review = np.repeat(review_ids, n_images)
    image_n = np.arange(len(image_review)) - np.repeat(np.cumsum(n_images) - n_images, n_images) + 1
    review_images = pl.DataFrame(
        {
            "review_id": image_review,
            "url": [
                f"https://img.example.com/reviews/{rid}/{k}.jpg"
                for rid, k in zip(image_review.tolist(), image_n.tolist(), strict=True)
            ],
        },
        schema=REVIEW_IMAGES_SCHEMA,
    )

    pii_rows = [(id_base + i, *entry) for i in sorted(planted) for entry in planted[i]]
    planted_pii = pl.DataFrame(pii_rows, schema=PLANTED_PII_SCHEMA, orient="row")
    bad = np.flatnonzero(kind != _GOOD)
    reasons = list(RejectionReason)
    rejections = pl.DataFrame(
        {"review_id": review_ids[bad], "reason": [reasons[k - 1].value for k in kind[bad].tolist()]},
        schema=EXPECTED_REJECTIONS_SCHEMA,
    )
    return _Day(orders, review, review_images, planted_pii, rejections)


# ---------------------------------------------------------------------------------------------------------------
# Public API.
# ---------------------------------------------------------------------------------------------------------------


def _generate(start: dt.date, days: int, reviews_per_day: int, seed: int) -> tuple[DemoDataset, pl.DataFrame]:
    """The dataset and the generator's own record of the bad rows it planted (for the tests)."""
    if days < 0 or not 0 <= reviews_per_day < IDS_PER_DAY:
        raise ValueError(f"need days >= 0 and 0 <= reviews_per_day < {IDS_PER_DAY}")
    if seed < 0:
        raise ValueError("seed must be non-negative")
    cat = _catalogue(seed)
    generated = [_generate_day(cat, start + dt.timedelta(days=d), reviews_per_day, seed) for d in range(days)]

    def stack(field: int, schema: dict) -> pl.DataFrame:
        frames = [day[field] for day in generated]
        return pl.concat(frames) if frames else pl.DataFrame(schema=schema)

    dataset = DemoDataset(
        # The catalogue is cached per seed; clones keep one dataset's frames from aliasing another's.
        category=cat.category.clone(),
        product=cat.product.clone(),
        customer=cat.customer.clone(),
        orders=stack(0, ORDERS_SCHEMA),
        review=stack(1, REVIEW_SCHEMA),
        review_images=stack(2, REVIEW_IMAGES_SCHEMA),
        planted_pii=stack(3, PLANTED_PII_SCHEMA),
    )
    return dataset, stack(4, EXPECTED_REJECTIONS_SCHEMA)


def generate_demo_data(start: dt.date, days: int, reviews_per_day: int, seed: int = 42) -> DemoDataset:
    """Generate `days` days of reviews from `start`, `reviews_per_day` a day, with a catalogue from `seed`.

    Same arguments, same frames. A day's rows depend only on `(seed, date)`, so days can be seeded one at a time.
    """
    return _generate(start, days, reviews_per_day, seed)[0]


def _defect_flags(dataset: DemoDataset) -> pl.DataFrame:
    """One boolean column per RejectionReason, each rule evaluated on its own (not first-match)."""
    review = dataset.review
    text = pl.col("r_desc")
    known = pl.col("p_id").is_in(dataset.product["p_id"].implode())
    key = ["buyer_id", "p_id", "r_desc", "day"]
    return (
        review.with_columns(day=pl.col("created_at").dt.date())
        .sort("created_at")
        .select(
            "review_id",
            pl.col("buyer_id").is_null().alias(RejectionReason.MISSING_BUYER.value),
            (pl.col("p_id").is_null() | ~known).alias(RejectionReason.UNKNOWN_PRODUCT.value),
            (pl.col("rating").is_null() | ~pl.col("rating").is_between(1, 5)).alias(
                RejectionReason.INVALID_RATING.value
            ),
            (text.is_null() | ~text.str.contains(r"[\p{L}\p{N}]")).alias(RejectionReason.EMPTY_TEXT.value),
            (text.str.len_chars() > MAX_TEXT_CHARS).fill_null(False).alias(RejectionReason.TEXT_TOO_LONG.value),
            (pl.all_horizontal(pl.col(key).is_not_null()) & (pl.int_range(pl.len()).over(key) > 0)).alias(
                RejectionReason.DUPLICATE_REVIEW.value
            ),
        )
        .sort("review_id")
    )


def expected_rejections(dataset: DemoDataset) -> pl.DataFrame:
    """The planted bad rows and the RejectionReason value each should be rejected for (review_id, reason).

    Every planted bad row has exactly one defect and every other row none, so reading the defects back from the
    data gives the planted set; the generator's tests check that against its own record.
    """
    flags = _defect_flags(dataset)
    reason = pl.coalesce(
        [pl.when(pl.col(r.value)).then(pl.lit(r.value)) for r in RejectionReason]
    )  # contract order: the first rule that matches wins
    return (
        flags.select("review_id", reason.alias("reason"))
        .filter(pl.col("reason").is_not_null())
        .cast(EXPECTED_REJECTIONS_SCHEMA)
    )

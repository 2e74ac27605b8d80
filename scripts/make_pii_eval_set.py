"""Write the labelled PII evaluation set, review_platform_tests/pii/eval_set.jsonl (run once; the file is committed).

Every line is {"text": ..., "entities": [{"type", "start", "end"}]} with exact character offsets. Texts are
review-like, English and French, built from this script's own templates (not the demo generator's) and filled
with seeded Faker values; about a third carry no personal data at all but plenty of look-alikes (prices, sizes,
dates, order and model numbers, tracking codes, versions, times, brand names, "Rose gold", title-case headings).

    .venv/bin/python scripts/make_pii_eval_set.py [--out PATH] [--seed N]
"""

from __future__ import annotations

import argparse
import json
import random
import string
import unicodedata
from pathlib import Path

from faker import Faker

from review_platform.pii.detectors import iban_valid, luhn_valid

OUT = Path(__file__).resolve().parents[1] / "review_platform_tests" / "pii" / "eval_set.jsonl"
SEED = 20261101
N_WITH_PII = 460
FOREIGN_NAME_SHARE = 0.12
N_WITHOUT_PII = 180
# How often each type is the one a PII line is built around (a template may carry others too).
TYPE_WEIGHTS = {
    "PERSON": 3.0, "ADDRESS": 2.0, "PHONE": 2.0, "EMAIL": 1.5, "CARD": 1.5, "IBAN": 1.5, "IP_ADDRESS": 1.0, "URL": 1.0,
}  # fmt: skip
# SOCIAL_HANDLE lines are built apart (`make_social_examples`).

# ---------------------------------------------------------------------------------------------------------------
# Templates. Slots in capitals are labelled PII; slots in lower case are look-alikes that must stay.
# ---------------------------------------------------------------------------------------------------------------

PII_TEMPLATES = {
    "en": [
        "If the seller needs anything, my email is {EMAIL}.",
        "Ordered this for my sister-in-law {PERSON}; she says the fabric feels cheap.",
        "{PERSON} at the help desk sorted the refund in ten minutes, great service.",
        "Shout-out to {PERSON} from customer care, very patient with me.",
        "Returned it through the locker, reference sent to {EMAIL} and {PHONE}.",
        "Text me on {PHONE} when the replacement ships.",
        "Ship the replacement to {ADDRESS_EN} please, not the old flat.",
        "I moved to {ADDRESS_EN} last month and the order still went to my old place.",
        "They charged {CARD} twice for order {order}.",
        "Please refund to my account {IBAN}, the card {CARD} has expired.",
        "The app logged me in from {IP} and then kept crashing.",
        "My profile {URL} still shows the wrong order, can someone fix it?",
        "Best regards,\n{PERSON}",
        "Signed, {PERSON}",
        "Posted by {PERSON} on behalf of my mum, who doesn't do computers.",
        "Our neighbour {PERSON} borrowed it and ended up buying one too.",
        "{PERSON} and I assembled it in about an hour.",
        "Dear seller, this is {PERSON}, about order {order}.",
        "Contact: {PERSON}, {PHONE}, {EMAIL}",
        "Deliver c/o {PERSON}, {ADDRESS_EN}.",
        "The courier rang {PHONE} three times but nobody answered, I was at work.",
        "Support asked for my phone number so here it is: {PHONE}.",
        "Paid with {CARD} on {date}, still no confirmation email.",
        "Bank transfer from {IBAN} done on {date}, please check.",
        "My son {FIRST} loves it, he plays with it every day.",
        "My wife {FIRST} says it is the best {item} she ever had.",
        "Login attempts from {IP} and {IP} were not me!",
        "Account page {URL} shows someone else's address.",
        "Bought it for {PERSON}'s birthday, she was thrilled.",
        "Great {item}. Thanks, {PERSON}",
        "Honestly the best purchase this year.\n— {PERSON}",
        "Write to {EMAIL}, not to the old address {EMAIL}.",
        "Parcel left at {ADDRESS_EN} instead of my door.",
        "Please update my billing address to {ADDRESS_EN}. Card ending in {last4} is fine.",
        "Call me at {PHONE} or {PHONE} if it's urgent.",
        "My name is {PERSON} and I've never been treated so badly.",
        "Mr {LAST} from the warehouse called me back, very polite.",
        "I spoke with {PERSON}, the delivery driver, who was lovely.",
        "Technician {PERSON} came on {date} and fixed it.",
        "Follow my unboxing at {URL} if you want to see the colours.",
        "Reviewed by {PERSON}, {ADDRESS_EN}",
        "Wire the deposit back to {IBAN} ({PERSON}).",
        "Router at {IP} refuses to pair with it.",
        "Gave one to my brother {PERSON} too.",
        "Customer {PERSON} ({EMAIL}) here: the {item} broke after {n} days.",
    ],
    "fr": [
        "Colis remis à {PERSON}, ma voisine du dessus.",
        "Ma belle-mère {PERSON} l'utilise tous les matins.",
        "Pour le SAV : {EMAIL} ou {PHONE}.",
        "Nouvelle adresse : {ADDRESS_FR}. Merci de mettre à jour.",
        "Remboursement sur mon IBAN {IBAN} svp.",
        "Prélevé deux fois sur la carte {CARD} !",
        "Bien cordialement,\n{PERSON}",
        "Je m'appelle {PERSON} et je suis très déçue.",
        "Connexion depuis l'adresse IP {IP}, bloquée par la sécurité.",
        "Mon profil {URL} affiche une mauvaise commande.",
        "{PERSON}, du service client, a été au top.",
        "Livrez plutôt au {ADDRESS_FR}, je suis en télétravail.",
        "Le colis est parti au {ADDRESS_FR} alors que j'ai déménagé.",
        "Vous pouvez me joindre au {PHONE} en journée.",
        "Mon mail : {EMAIL}, merci de me recontacter.",
        "Acheté pour mon fils {FIRST}, il adore.",
        "Mon mari {FIRST} l'a monté en dix minutes.",
        "Merci à {PERSON} pour sa patience au téléphone.",
        "Payé avec ma carte {CARD} le {date}, toujours rien reçu.",
        "Virement depuis le compte {IBAN}, référence {order}.",
        "Mme {LAST} du magasin m'a conseillé ce modèle.",
        "Cordialement, {PERSON}",
        "— {PERSON}",
        "Contact : {PERSON}, {PHONE}",
        "Adresse de facturation : {ADDRESS_FR}",
        "Le livreur {PERSON} a été très aimable.",
        "J'ai appelé le {PHONE} et le {PHONE}, personne ne répond.",
        "Mon adresse mail {EMAIL} n'a jamais reçu la facture.",
        "{PERSON} et moi l'utilisons tous les week-ends.",
        "Offert à ma copine {PERSON}, elle est ravie.",
        "Tentatives de connexion depuis {IP} : ce n'était pas moi.",
        "Voir mon compte {URL}, la commande n'apparaît pas.",
        "Remboursez sur {IBAN} au nom de {PERSON}.",
        "Envoyé chez {PERSON}, {ADDRESS_FR}.",
        "Le technicien {PERSON} est passé le {date}.",
        "Carte {CARD} débitée, commande {order} annulée.",
        "Ma fille {FIRST} le trouve trop grand.",
        "Écrivez-moi plutôt sur {EMAIL}.",
        "Bonjour, ici {PERSON}, client depuis {n} ans.",
        "Ma collègue {PERSON} m'a conseillé ce site.",
    ],
}

FILLERS = {
    "en": [
        "Works exactly as described.",
        "Arrived a day early, well packed.",
        "The {item} feels solid for the price.",
        "Battery lasts about {n} hours on a charge.",
        "I paid {price_en} and it was on sale the week after.",
        "Size {size_en} fits true to size.",
        "Took {n} days to arrive, tracking {tracking} never updated.",
        "The Rose gold finish is gorgeous.",
        "Much quieter than my old {brand} one.",
        "Instructions were only in German.",
        "Would buy again.",
        "Not worth it.",
        "Grace period for returns is only {n} days, beware.",
        "Will buy again for sure.",
    ],
    "fr": [
        "Conforme à la description.",
        "Livré en avance, bien emballé.",
        "Le {item_fr} est solide pour le prix.",
        "Payé {price_fr}, il était en promo la semaine suivante.",
        "Taille {size_fr}, taille normalement.",
        "Reçu en {n} jours avec La Poste.",
        "Notice uniquement en anglais.",
        "Je recommande !",
        "Déçu, retour demandé.",
        "Couleur Rose gold très jolie.",
        "Plus silencieux que mon ancien {brand}.",
    ],
}

NEGATIVE_TEMPLATES = {
    "en": [
        "The rose gold finish is gorgeous, nicer than the {brand} one.",
        "Rose Gold colour, {n}28 GB, model {model}.",
        "Size {size_en} fits well, paid {price_en} on {date}.",
        "Order {order} arrived on {iso_date}, tracking {tracking}.",
        "Battery {n}000 mAh, {n}200 W, 3.5 mm jack, firmware v{version}.",
        "Will buy again. Grace period for returns was {n}0 days.",
        "Mark my words, this {brand} {model} beats everything else.",
        "EAN {ean}, batch {batch}, made in {country}.",
        "Christian Dior perfume and Calvin Klein jeans, both genuine.",
        "Price dropped from {price_en} to {price_en} on Black Friday.",
        "Great Value For Money",
        "Absolutely Brilliant Product, Highly Recommend",
        "Summer Dress In Size {size_en}",
        "Best {item} I have owned, {n} stars.",
        "Charges in {n} hours, lasts {n}{n} hours, weighs {n}.{n} kg.",
        "Delivered by {courier} at {time}, in perfect condition.",
        "Compare with {plain_url} before buying.",
        "The manual at {plain_url} explains the pairing.",
        "Returned it on {date}, refund of {price_en} received {n} days later.",
        "Jordan sneakers, size {size_en}, arrived in the Victoria box.",
        "Works with iOS {n}.{n} and Android {n}{n}.",
        "Ordered {n} units, {n} arrived damaged, case number {case}.",
        "Dimensions {n}0 x {n}5 x {n}2 cm, {n}.{n} kg.",
        "Ask for Amazon support, they replaced it.",
        "Perfect for Christmas, my kids love it.",
        "Lasted {n} months before the {part} broke.",
        "Paid 4 instalments of {price_en}, no fees.",
        "Tracking number {tracking} shows it in Memphis.",
        "The {brand} Pro Max version is {price_en} more.",
        "Version 2.1.0.4 fixed the Bluetooth drop-outs.",
        "Perfect mug for Earl Grey tea and Marie biscuits.",
        "Set of {n} Tom Collins glasses, one arrived chipped.",
        "Bought the Jack Russell bed, my dog loves it.",
        "The Ruby Red colour is brighter than in the photos.",
        "Works with Alexa and Google Home, setup took {n} minutes.",
    ],
    "fr": [
        "Couleur Rose gold, {n}28 Go, modèle {model}.",
        "Taille {size_fr}, payé {price_fr} le {date}.",
        "Commande n° {order} livrée le {date} à {time_fr}.",
        "Cadeau parfait pour Noël, les enfants adorent.",
        "Écran {n},1 pouces, {n}000 mAh, version {version}.",
        "Livré par {courier} en {n} jours, suivi {tracking}.",
        "Très Bon Produit, Je Recommande",
        "Marine blue, taille {size_fr}, tissu épais.",
        "Code EAN {ean}, lot {batch}, fabriqué en {country}.",
        "Prix passé de {price_fr} à {price_fr} pendant les soldes.",
        "La Poste a perdu le premier colis, Mondial Relay a livré le second.",
        "Comparez avec {plain_url} avant d'acheter.",
        "Retour effectué le {date}, remboursement de {price_fr} sous {n} jours.",
        "Compatible iOS {n} et Android {n}{n}.",
        "Dimensions {n}0 x {n}5 cm, poids {n},{n} kg.",
        "3 cours de cuisine offerts avec l'appareil, sympa.",
        "Il reste 2 places dans le coffret, pratique.",
        "Rapport qualité prix imbattable chez {brand}.",
        "Numéro de dossier {case}, toujours sans réponse.",
        "Marque Pierre Cardin, finitions correctes.",
        "Parfait avec un thé Earl Grey le matin.",
        "Coloris Rose Poudré, taille {size_fr}, conforme.",
        "Fonctionne avec Alexa, installation en {n} minutes.",
        "Livré à Lyon en {n} jours, emballage Colissimo intact.",
    ],
}

# Social-media handles and profile URLs (issue #15), a block of their own appended after the lines above, from
# their own seed, so that adding it left those 640 lines as they were.
N_SOCIAL = 40
N_SOCIAL_WITHOUT_PII = 12
SOCIAL_TEMPLATES = {
    "en": [
        "Follow me {HANDLE} for more hauls.",
        "Tagged the brand and {HANDLE} in my post.",
        "Full try-on video on {HANDLE}, sizes compared.",
        "DM me on {HANDLE} if you want the spare part.",
        "My review with photos is at {HANDLE}",
        "Thanks {HANDLE} for the recommendation!",
    ],
    "fr": [
        "Suivez-moi sur {HANDLE} pour d'autres avis.",
        "Merci {HANDLE} pour le conseil, je ne regrette pas.",
        "Vidéo du déballage sur {HANDLE}.",
        "Contactez-moi via {HANDLE} si besoin de la notice.",
        "Photos sur mon compte {HANDLE} !",
    ],
}
SOCIAL_NEGATIVE_TEMPLATES = {
    "en": [
        "Works great @home and @work, battery lasts all day.",
        "Bought two @ {price_en} each, the courier came @ {time}.",
        "Saw it trending on Instagram and TikTok, {plain_url} had it cheaper.",
        "The @2x icons look blurry on the {model}.",
        "Found it on instagram.com/explore, ordered on {plain_url}.",
    ],
    "fr": [
        "Parfait @home, je l'utilise tous les soirs.",
        "Deux achetés @ {price_fr}, livrés @ {time_fr}.",
        "Vu sur Instagram, commandé sur {plain_url}.",
        "Merci à toute l'équipe, à @+ !",
    ],
}

BRANDS = ["Samsung", "Apple", "Sony", "Philips", "Dyson", "Bosch", "Tefal", "Xiaomi", "Logitech", "Moulinex"]
COURIERS = ["UPS", "FedEx", "DHL", "Colissimo", "Chronopost", "GLS", "DPD"]
ITEMS_EN = ["blender", "kettle", "speaker", "jacket", "lamp", "backpack", "drill", "keyboard"]
ITEMS_FR = ["mixeur", "casque", "aspirateur", "manteau", "sac", "grille-pain"]
PARTS = ["hinge", "zip", "charging port", "handle", "strap"]
COUNTRIES = ["China", "Vietnam", "Portugal", "France", "Germany"]
FR_STREETS = [
    "rue de la Paix", "avenue des Champs-Élysées", "boulevard Saint-Germain", "place Bellecour",
    "allée des Tilleuls", "impasse du Moulin", "quai de la Loire", "chemin des Vignes", "rue Victor Hugo",
    "avenue Jean Jaurès", "rue du Faubourg Saint-Honoré", "boulevard de la Croisette", "rue Nationale",
    "cours Mirabeau", "place du Capitole", "route de Lyon", "rue Pasteur", "avenue Foch",
]  # fmt: skip
UK_STREETS = ["Baker Street", "Abbey Road", "Kings Road", "Church Lane", "Station Road", "High Street", "Mill Lane"]
US_CITIES = [("Springfield", "IL"), ("Austin", "TX"), ("Portland", "OR"), ("Boston", "MA"), ("Miami", "FL")]
UK_POSTCODES = ["NW1 6XE", "SW3 4RP", "E1 6AN", "M1 1AE", "B33 8TH", "EC1A 1BB"]
URL_HOSTS = ["shop.example.com", "www.example.org", "forum.example.net", "www.boutique-exemple.fr", "example.co.uk"]


class Builder:
    """Concatenates text pieces and records the labelled spans' offsets."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.entities: list[dict] = []

    def add(self, piece: str, pii_type: str | None = None) -> None:
        if pii_type is not None and piece:
            self.entities.append({"type": pii_type, "start": self.size, "end": self.size + len(piece)})
        self.parts.append(piece)
        self.size += len(piece)

    def text(self) -> str:
        return "".join(self.parts)


class Values:
    def __init__(self, seed: int) -> None:
        self.rnd = random.Random(seed)
        self.fakers = {"en": Faker("en_US"), "fr": Faker("fr_FR")}
        self.banks = {loc: Faker(loc) for loc in ("fr_FR", "de_DE", "es_ES", "it_IT", "nl_NL", "en_GB", "pt_PT")}
        # Names from locales the detector's lists do not cover: an honest share of unknown names.
        self.foreign = {loc: Faker(loc) for loc in ("de_DE", "it_IT", "es_ES", "pt_BR", "pl_PL", "nl_NL")}
        for offset, fake in enumerate([*self.fakers.values(), *self.banks.values(), *self.foreign.values()]):
            fake.seed_instance(seed + offset)

    # -- labelled values ---------------------------------------------------------------------------------------

    def person(self, lang: str) -> str:
        fake, rnd = self.fakers[lang], self.rnd
        if rnd.random() < FOREIGN_NAME_SHARE:
            fake = self.foreign[rnd.choice(list(self.foreign))]
        first, last = fake.first_name(), fake.last_name()
        roll = rnd.random()
        if lang == "fr":
            if roll < 0.12:
                first = f"{rnd.choice(['Jean', 'Marie', 'Anne'])}-{fake.first_name()}"
            elif roll < 0.22:
                last = last.upper()
        elif roll < 0.06:
            return f"{first} {rnd.choice(string.ascii_uppercase)}. {last}"
        elif roll < 0.12:
            last = f"{last}-{fake.last_name()}"
        return f"{first} {last}"

    def first(self, lang: str) -> str:
        if self.rnd.random() < FOREIGN_NAME_SHARE:
            return self.foreign[self.rnd.choice(list(self.foreign))].first_name()
        return self.fakers[lang].first_name()

    def last(self, lang: str) -> str:
        return self.fakers[lang].last_name()

    def email(self, lang: str) -> str:
        fake, rnd = self.fakers[lang], self.rnd
        first, last = _ascii(fake.first_name()), _ascii(fake.last_name())
        local = rnd.choice(
            [f"{first}.{last}", f"{first[0]}{last}", f"{last}{rnd.randint(1, 99)}", f"{first}_{last}", fake.user_name()]
        )
        if rnd.random() < 0.1:
            local += f"+{rnd.choice(['shop', 'avis', 'amazon'])}"
        domain = rnd.choice([fake.free_email_domain(), fake.domain_name(), "mail.example.co.uk", "exemple.fr"])
        return f"{local}@{domain}"

    def phone(self, lang: str) -> str:
        rnd = self.rnd

        def digits(n: int) -> str:
            return "".join(str(rnd.randint(0, 9)) for _ in range(n))

        if lang == "fr":
            national = rnd.choice("6767123459") + digits(8)
            pairs = [national[i : i + 2] for i in range(1, 9, 2)]
            style = rnd.randrange(8)
            if style == 0:
                return "0" + national[0] + " " + " ".join(pairs)
            if style == 1:
                return "0" + national[0] + "." + ".".join(pairs)
            if style == 2:
                return "0" + national
            if style == 3:
                return "+33 " + national[0] + " " + " ".join(pairs)
            if style == 4:
                return "+33 (0)" + national[0] + " " + " ".join(pairs)
            if style == 5:
                return "0033 " + national[0] + " " + " ".join(pairs)
            if style == 6:
                return "0" + national[0] + "-" + "-".join(pairs)
            return "+33" + national
        area, exchange, line = str(rnd.randint(201, 989)), str(rnd.randint(200, 999)), digits(4)
        style = rnd.randrange(9)
        if style == 0:
            return f"({area}) {exchange}-{line}"
        if style == 1:
            return f"{area}-{exchange}-{line}"
        if style == 2:
            return f"{area}.{exchange}.{line}"
        if style == 3:
            return f"+1 {area} {exchange} {line}"
        if style == 4:
            return f"+1-{area}-{exchange}-{line}"
        if style == 5:
            return f"+44 20 {digits(4)} {digits(4)}"
        if style == 6:
            return f"+44 7{digits(3)} {digits(6)}"
        if style == 7:
            return f"+49 30 {digits(8)}"
        return f"({area}) {exchange}-{line} ext. {rnd.randint(10, 999)}"

    def card(self) -> str:
        rnd = self.rnd
        kind = rnd.choice(["visa16", "visa16", "mastercard", "mastercard", "amex", "discover", "jcb16", "visa13"])
        number = self.fakers["en"].credit_card_number(kind)
        assert luhn_valid(number), number
        if len(number) == 15:
            return f"{number[:4]} {number[4:10]} {number[10:]}" if rnd.random() < 0.7 else number
        if len(number) == 16:
            style = rnd.random()
            if style < 0.5:
                return " ".join(number[i : i + 4] for i in range(0, 16, 4))
            if style < 0.75:
                return "-".join(number[i : i + 4] for i in range(0, 16, 4))
        return number

    def iban(self) -> str:
        value = self.banks[self.rnd.choice(list(self.banks))].iban()
        assert iban_valid(value), value
        if self.rnd.random() < 0.6:
            return " ".join(value[i : i + 4] for i in range(0, len(value), 4))
        return value

    def ip(self) -> str:
        fake = self.fakers["en"]
        roll = self.rnd.random()
        return fake.ipv4_public() if roll < 0.5 else fake.ipv4_private() if roll < 0.7 else fake.ipv6()

    def address_fr(self) -> str:
        fake, rnd = self.fakers["fr"], self.rnd
        number = str(rnd.randint(1, 199))
        if rnd.random() < 0.15:
            number += rnd.choice([" bis", " ter", "B"])
        street = rnd.choice(FR_STREETS) if rnd.random() < 0.4 else fake.street_name()
        head = f"{number}, {street}" if rnd.random() < 0.15 else f"{number} {street}"
        roll = rnd.random()
        if roll < 0.7:
            return f"{head}, {fake.postcode()} {fake.city()}"
        if roll < 0.8:
            return f"{head} {fake.postcode()} {fake.city()}"
        return head

    def address_en(self) -> str:
        fake, rnd = self.fakers["en"], self.rnd
        roll = rnd.random()
        if roll < 0.6:
            street = fake.street_address()
            city, state = rnd.choice(US_CITIES)
            if rnd.random() < 0.8:
                return f"{street}, {city}, {state} {rnd.randint(10000, 99999)}"
            return street
        if roll < 0.85:
            street = f"{rnd.randint(1, 250)}{rnd.choice(['', '', 'A', 'B'])} {rnd.choice(UK_STREETS)}"
            if rnd.random() < 0.6:
                return f"{street}, London {rnd.choice(UK_POSTCODES)}"
            return street
        return f"{rnd.randint(10, 999)} {rnd.randint(1, 99)}th Avenue, New York, NY 100{rnd.randint(10, 99)}"

    def url(self, lang: str) -> str:
        fake, rnd = self.fakers[lang], self.rnd
        host = rnd.choice(URL_HOSTS)
        user = fake.user_name()
        first, last = _ascii(fake.first_name()), _ascii(fake.last_name())
        return rnd.choice(
            [
                f"https://{host}/users/{user}",
                f"https://{host}/profile/{first}-{last}",
                f"https://{host}/account?email={first}.{last}%40{fake.free_email_domain()}",
                f"https://{host}/track?order={rnd.randint(10**6, 10**7)}&user={user}",
                f"https://{host}/membres/{user}/commandes",
                f"https://{host}/@{user}",
                f"http://{host}/unsubscribe?name={first.title()}+{last.title()}",
                f"www.{host.removeprefix('www.')}/u/{rnd.randint(1000, 99999)}",
            ]
        )

    def handle(self, lang: str) -> str:
        fake, rnd = self.fakers[lang], self.rnd
        first, last = _ascii(fake.first_name()), _ascii(fake.last_name())
        name = rnd.choice(
            [f"{first}_{last}", f"{first}.{last}", f"{first}{last}{rnd.randint(1, 99)}", f"{first[0]}{last}"]
        )
        return rnd.choice(
            [
                f"@{name}",
                f"@{name}",
                f"instagram.com/{name}",
                f"https://www.instagram.com/{name}/",
                f"twitter.com/{name}",
                f"x.com/{name}",
                f"facebook.com/{first}.{last}.{rnd.randint(1, 99)}",
                f"tiktok.com/@{name}",
                f"linkedin.com/in/{first}-{last}-{rnd.randint(100, 999)}",
                f"https://www.youtube.com/@{name}",
                f"pinterest.fr/{name}",
                f"t.me/{name}",
                f"snapchat.com/add/{name}",
                f"github.com/{first[0]}{last}",
            ]
        )

    # -- look-alikes -------------------------------------------------------------------------------------------

    def filler(self, lang: str) -> str:
        return self.fill_plain(self.rnd.choice(FILLERS[lang]), lang)

    def fill_plain(self, template: str, lang: str) -> str:
        rnd = self.rnd
        n = str(rnd.randint(2, 9))
        values = {
            "n": n,
            "price_en": f"${rnd.randint(5, 1500):,}.{rnd.choice(['00', '99', '49'])}",
            "price_fr": f"{rnd.randint(5, 1500)},{rnd.choice(['00', '99', '49'])} €",
            "size_en": rnd.choice(["M", "L", "XL", "10", "10.5", "EU 42", "UK 8"]),
            "size_fr": rnd.choice(["38", "40", "42", "M", "XL"]),
            "date": f"{rnd.randint(1, 28):02d}/{rnd.randint(1, 12):02d}/2026",
            "iso_date": f"2026-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}",
            "time": f"{rnd.randint(8, 20)}:{rnd.randint(0, 59):02d}",
            "time_fr": f"{rnd.randint(8, 20)}h{rnd.randint(0, 59):02d}",
            "order": f"{rnd.randint(100, 999)}-{rnd.randint(10**6, 10**7 - 1)}-{rnd.randint(10**6, 10**7 - 1)}",
            "tracking": rnd.choice(
                [
                    "1Z"
                    + "".join(rnd.choice(string.ascii_uppercase + string.digits) for _ in range(6))
                    + f"{rnd.randint(10**9, 10**10 - 1)}",
                    f"6A{rnd.randint(10**10, 10**11 - 1)}",
                    f"LP{rnd.randint(10**8, 10**9)}FR",
                ]
            ),
            "model": rnd.choice(["SM-G991B", "WH-1000XM4", "RTX 4090", "A2403", "HD-6620", "MX Master 3S"]),
            "version": f"{rnd.randint(1, 5)}.{rnd.randint(0, 9)}.{rnd.randint(0, 20)}",
            "ean": _ean13(rnd),
            "batch": f"L{rnd.randint(1000, 9999)}-{rnd.randint(10, 99)}",
            "case": f"CS-{rnd.randint(10**5, 10**6)}",
            "brand": rnd.choice(BRANDS),
            "courier": rnd.choice(COURIERS),
            "item": rnd.choice(ITEMS_EN),
            "item_fr": rnd.choice(ITEMS_FR),
            "part": rnd.choice(PARTS),
            "country": rnd.choice(COUNTRIES),
            "plain_url": rnd.choice(
                [
                    f"https://www.example.com/dp/B0{rnd.randint(10**7, 10**8 - 1)}",
                    f"https://{rnd.choice(URL_HOSTS)}/produit/mixeur-pro-{rnd.randint(100, 999)}",
                    "www.example.org/help/returns",
                    f"https://shop.example.com/search?q=kettle&page={n}",
                ]
            ),
            "last4": str(rnd.randint(1000, 9999)),
        }
        return template.format(**{name: values[name] for name in _slots(template)})


def _ean13(rnd: random.Random) -> str:
    body = rnd.choice(["30", "31", "34", "37", "50", "40"]) + "".join(str(rnd.randint(0, 9)) for _ in range(10))
    check = (10 - sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body)) % 10) % 10
    return body + str(check)


def _ascii(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text).lower() if c.isascii() and c.isalnum())


def _slots(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


LABELLED = {
    "PERSON": ("PERSON", lambda v, lang: v.person(lang)),
    "FIRST": ("PERSON", lambda v, lang: v.first(lang)),
    "LAST": ("PERSON", lambda v, lang: v.last(lang)),
    "EMAIL": ("EMAIL", lambda v, lang: v.email(lang)),
    "PHONE": ("PHONE", lambda v, lang: v.phone(lang)),
    "CARD": ("CARD", lambda v, lang: v.card()),
    "IBAN": ("IBAN", lambda v, lang: v.iban()),
    "IP": ("IP_ADDRESS", lambda v, lang: v.ip()),
    "ADDRESS_EN": ("ADDRESS", lambda v, lang: v.address_en()),
    "ADDRESS_FR": ("ADDRESS", lambda v, lang: v.address_fr()),
    "URL": ("URL", lambda v, lang: v.url(lang)),
    "HANDLE": ("SOCIAL_HANDLE", lambda v, lang: v.handle(lang)),
}


def render(template: str, lang: str, values: Values, builder: Builder) -> None:
    for literal, name, _, _ in string.Formatter().parse(template):
        builder.add(literal)
        if name is None:
            continue
        if name in LABELLED:
            pii_type, make = LABELLED[name]
            builder.add(make(values, lang), pii_type)
        else:
            builder.add(values.fill_plain("{" + name + "}", lang))


def make_examples(seed: int = SEED) -> list[dict]:
    values = Values(seed)
    rnd = values.rnd
    examples = []
    for i in range(N_WITH_PII + N_WITHOUT_PII):
        lang = "fr" if rnd.random() < 0.45 else "en"
        builder = Builder()
        if i < N_WITH_PII:
            if rnd.random() < 0.5:
                builder.add(values.filler(lang) + " ")
            wanted = rnd.choices(list(TYPE_WEIGHTS), weights=list(TYPE_WEIGHTS.values()))[0]
            templates = [
                t for t in PII_TEMPLATES[lang] if wanted in {LABELLED[n][0] for n in _slots(t) if n in LABELLED}
            ]
            render(rnd.choice(templates), lang, values, builder)
            if rnd.random() < 0.4:
                builder.add(" " + values.filler(lang))
        else:
            render(rnd.choice(NEGATIVE_TEMPLATES[lang]), lang, values, builder)
            if rnd.random() < 0.5:
                builder.add(" " + values.filler(lang))
        text = builder.text()
        for entity in builder.entities:
            assert text[entity["start"] : entity["end"]].strip() == text[entity["start"] : entity["end"]]
        examples.append({"text": text, "entities": builder.entities})
    rnd.shuffle(examples)
    return examples + make_social_examples(seed + 1000)


def make_social_examples(seed: int) -> list[dict]:
    """`N_SOCIAL` lines, `N_SOCIAL_WITHOUT_PII` of them look-alikes only ("@home", "@ 9.99", shop links)."""
    values = Values(seed)
    rnd = values.rnd
    examples = []
    for i in range(N_SOCIAL):
        lang = "fr" if rnd.random() < 0.45 else "en"
        builder = Builder()
        if rnd.random() < 0.4:
            builder.add(values.filler(lang) + " ")
        pool = SOCIAL_NEGATIVE_TEMPLATES if i < N_SOCIAL_WITHOUT_PII else SOCIAL_TEMPLATES
        render(rnd.choice(pool[lang]), lang, values, builder)
        if rnd.random() < 0.4:
            builder.add(" " + values.filler(lang))
        examples.append({"text": builder.text(), "entities": builder.entities})
    rnd.shuffle(examples)
    return examples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    examples = make_examples(args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as out:
        for example in examples:
            out.write(json.dumps(example, ensure_ascii=False) + "\n")
    counts: dict[str, int] = {}
    for example in examples:
        for entity in example["entities"]:
            counts[entity["type"]] = counts.get(entity["type"], 0) + 1
    print(f"wrote {len(examples)} lines to {args.out}: {dict(sorted(counts.items()))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

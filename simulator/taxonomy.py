"""The shared vocabulary: topics, demographic bands, countries and their UTC offsets."""

TOPICS: tuple[str, ...] = (
    "music",
    "comedy",
    "gaming",
    "sports",
    "fitness",
    "food",
    "beauty",
    "fashion",
    "travel",
    "tech",
    "science",
    "education",
    "news",
    "politics",
    "pets",
    "diy",
    "autos",
    "film",
    "family",
    "finance",
    "art",
    "dance",
    "nature",
    "health",
)
TOPIC_INDEX: dict[str, int] = {t: i for i, t in enumerate(TOPICS)}

AGE_BANDS: tuple[str, ...] = ("13-17", "18-24", "25-34", "35-44", "45-54", "55+")
GENDERS: tuple[str, ...] = ("female", "male", "nonbinary")
DEVICES: tuple[str, ...] = ("mobile", "desktop", "tablet")
ITEM_KINDS: tuple[str, ...] = ("video", "image", "text", "mixed")

# Standard-time UTC offsets in hours (one zone per country: its most populous).
COUNTRY_UTC_OFFSET: dict[str, float] = {
    "US": -5.0,
    "CA": -5.0,
    "MX": -6.0,
    "BR": -3.0,
    "AR": -3.0,
    "GB": 0.0,
    "IE": 0.0,
    "FR": 1.0,
    "DE": 1.0,
    "ES": 1.0,
    "IT": 1.0,
    "NL": 1.0,
    "PL": 1.0,
    "SE": 1.0,
    "TR": 3.0,
    "NG": 1.0,
    "EG": 2.0,
    "ZA": 2.0,
    "KE": 3.0,
    "SA": 3.0,
    "AE": 4.0,
    "IN": 5.5,
    "PK": 5.0,
    "BD": 6.0,
    "ID": 7.0,
    "TH": 7.0,
    "VN": 7.0,
    "PH": 8.0,
    "MY": 8.0,
    "CN": 8.0,
    "JP": 9.0,
    "KR": 9.0,
    "AU": 10.0,
    "NZ": 12.0,
}
COUNTRIES: tuple[str, ...] = tuple(COUNTRY_UTC_OFFSET)

# YouTube's category ids (the 2017 US trending data) mapped onto the topic taxonomy.
YOUTUBE_CATEGORY_TOPICS: dict[int, tuple[str, ...]] = {
    1: ("film",),
    2: ("autos",),
    10: ("music",),
    15: ("pets", "nature"),
    17: ("sports", "fitness"),
    19: ("travel",),
    20: ("gaming",),
    22: ("family", "comedy"),
    23: ("comedy",),
    24: ("film", "comedy"),
    25: ("news", "politics"),
    26: ("diy", "beauty", "food", "fashion"),
    27: ("education",),
    28: ("science", "tech"),
    29: ("news", "health"),
    43: ("film",),
    44: ("film",),
}

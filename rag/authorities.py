"""Places of English councils with children's services (upper-tier and unitary,
current and recent), so a question that names a council the library does not hold
can be answered plainly ('no reports for Leeds') instead of with the nearest text."""
from __future__ import annotations

import re

PLACES = (
    # London
    "Barking and Dagenham", "Barnet", "Bexley", "Brent", "Bromley", "Camden", "City of London", "Croydon",
    "Ealing", "Enfield", "Greenwich", "Hackney", "Hammersmith and Fulham", "Haringey", "Harrow", "Havering",
    "Hillingdon", "Hounslow", "Islington", "Kensington and Chelsea", "Kingston upon Thames", "Lambeth",
    "Lewisham", "Merton", "Newham", "Redbridge", "Richmond upon Thames", "Southwark", "Sutton",
    "Tower Hamlets", "Waltham Forest", "Wandsworth", "Westminster",
    # metropolitan boroughs
    "Barnsley", "Birmingham", "Bolton", "Bradford", "Bury", "Calderdale", "Coventry", "Doncaster", "Dudley",
    "Gateshead", "Kirklees", "Knowsley", "Leeds", "Liverpool", "Manchester", "Newcastle upon Tyne", "Newcastle",
    "North Tyneside", "Oldham", "Rochdale", "Rotherham", "St Helens", "Salford", "Sandwell", "Sefton",
    "Sheffield", "Solihull", "South Tyneside", "Stockport", "Sunderland", "Tameside", "Trafford", "Wakefield",
    "Walsall", "Wigan", "Wirral", "Wolverhampton",
    # counties, present and past
    "Bedfordshire", "Buckinghamshire", "Cambridgeshire", "Cheshire", "Cornwall", "Cumbria", "Derbyshire",
    "Devon", "Dorset", "Durham", "East Sussex", "Essex", "Gloucestershire", "Hampshire", "Hertfordshire",
    "Kent", "Lancashire", "Leicestershire", "Lincolnshire", "Norfolk", "Northamptonshire", "North Yorkshire",
    "Northumberland", "Nottinghamshire", "Oxfordshire", "Shropshire", "Somerset", "Staffordshire", "Suffolk",
    "Surrey", "Warwickshire", "West Sussex", "Wiltshire", "Worcestershire",
    # unitary authorities
    "Bath and North East Somerset", "Bedford", "Blackburn with Darwen", "Blackpool",
    "Bournemouth, Christchurch and Poole", "Bournemouth Christchurch and Poole", "Bournemouth", "Poole",
    "Bracknell Forest", "Brighton and Hove", "Bristol", "Central Bedfordshire", "Cheshire East",
    "Cheshire West and Chester", "Cumberland", "Darlington", "Derby", "East Riding of Yorkshire", "Halton",
    "Hartlepool", "Herefordshire", "Isle of Wight", "Isles of Scilly", "Kingston upon Hull", "Hull", "Leicester",
    "Luton", "Medway", "Middlesbrough", "Milton Keynes", "North East Lincolnshire", "North Lincolnshire",
    "North Northamptonshire", "West Northamptonshire", "North Somerset", "Nottingham", "Peterborough",
    "Plymouth", "Portsmouth", "Reading", "Redcar and Cleveland", "Rutland", "Slough", "South Gloucestershire",
    "Southampton", "Southend-on-Sea", "Southend", "Stockton-on-Tees", "Stoke-on-Trent", "Swindon",
    "Telford and Wrekin", "Thurrock", "Torbay", "Warrington", "West Berkshire", "Westmorland and Furness",
    "Windsor and Maidenhead", "Wokingham", "York",
)

# Longest first, so 'North Somerset' is found before 'Somerset'. Case-sensitive:
# 'Reading', 'Bury' and 'Derby' are places only when capitalised.
_PATTERN = re.compile(r"\b(" + "|".join(re.escape(p) for p in sorted(PLACES, key=len, reverse=True)) + r")\b")


def places_named(text: str) -> list[str]:
    """Council places named in ``text``, in order, without repeats."""
    found: list[str] = []
    for m in _PATTERN.finditer(text):
        if m[1] not in found:
            found.append(m[1])
    return found

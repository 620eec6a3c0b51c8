"""The tables themselves, one module per standard."""

from zugong.cadres.codes.data.degree import DEGREE, DEGREE_ALIASES
from zugong.cadres.codes.data.education import EDUCATION, EDUCATION_ALIASES
from zugong.cadres.codes.data.ethnicity import ETHNICITY, ETHNICITY_ALIASES
from zugong.cadres.codes.data.political import POLITICAL_STATUS, POLITICAL_STATUS_ALIASES
from zugong.cadres.codes.data.relation import RELATION, RELATION_ALIASES
from zugong.cadres.codes.data.sex import SEX, SEX_ALIASES

__all__ = ["DEGREE", "DEGREE_ALIASES", "EDUCATION", "EDUCATION_ALIASES", "ETHNICITY", "ETHNICITY_ALIASES",
           "POLITICAL_STATUS", "POLITICAL_STATUS_ALIASES", "RELATION", "RELATION_ALIASES", "SEX", "SEX_ALIASES"]

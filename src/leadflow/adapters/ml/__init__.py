"""Predictive lead scoring: models that learn P(won) from a workspace's closed leads."""

from leadflow.adapters.ml.base import LeadModel, ModelNotFitted
from leadflow.adapters.ml.evaluation import EvaluationReport, evaluate
from leadflow.adapters.ml.logistic import LogisticModel
from leadflow.adapters.ml.naive_bayes import NaiveBayesModel
from leadflow.adapters.ml.prior import MajorityModel, PriorModel
from leadflow.adapters.ml.selection import ModelChoice, choose_model
from leadflow.adapters.ml.storage import load_model

__all__ = [
    "EvaluationReport",
    "LeadModel",
    "LogisticModel",
    "MajorityModel",
    "ModelChoice",
    "ModelNotFitted",
    "NaiveBayesModel",
    "PriorModel",
    "choose_model",
    "evaluate",
    "load_model",
]

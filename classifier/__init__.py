"""rfp-classifier: tags outsourcing requests with services, provider type and stage.

The public surface is small on purpose: load a model folder into a
:class:`Classifier` and call :meth:`Classifier.classify`. Everything else is
reachable through the CLI (``rfp-classifier``) or the API (``api``).
"""

__version__ = "0.1.0"

from classifier.errors import RFPClassifierError  # noqa: E402
from classifier.pipeline import Classifier  # noqa: E402
from classifier.schema import ClassificationResult  # noqa: E402

__all__ = ["Classifier", "ClassificationResult", "RFPClassifierError", "__version__"]

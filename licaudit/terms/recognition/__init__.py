"""Recognition of licenses as people write them: names, URLs, prose, full texts, restrictive wording."""

from licaudit.terms.recognition.evidence import Combination, Method, Reading, Recognition
from licaudit.terms.recognition.recogniser import Recogniser

__all__ = ["Combination", "Method", "Reading", "Recogniser", "Recognition"]

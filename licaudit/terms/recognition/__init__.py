"""Recognition of licenses as people write them: names, URLs, prose, full texts, restrictive wording.

The recogniser itself (`recognition.recogniser.Recogniser`) is imported where it is used: its
patterns cost ~40 ms to compile, and a trace of catalog ids never needs them.
"""

from licaudit.terms.recognition.evidence import Combination, Method, Reading, Recognition

__all__ = ["Combination", "Method", "Reading", "Recognition"]

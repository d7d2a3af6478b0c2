"""Known library noise is dropped at its source; every other message still shows."""

import logging
import warnings

from tinythink.training.noise import silence_known_noise


def test_known_noise_is_dropped_and_other_messages_kept(caplog):
    silence_known_noise()
    silence_known_noise()  # idempotent: one filter, not two
    lightning = logging.getLogger("lightning.pytorch.utilities.rank_zero")
    assert len(lightning.filters) == 1
    with caplog.at_level(logging.INFO, logger=lightning.name):
        lightning.info("💡 Tip: For seamless cloud logging and experiment tracking, try litlogger")
        lightning.info("GPU available: False, used: False")
    # Only this logger's records: another thread of an earlier test may log meanwhile.
    said = [r.getMessage() for r in caplog.records if r.name == lightning.name]
    assert said == ["GPU available: False, used: False"]
    messages = (
        ("`isinstance(treespec, LeafSpec)` is deprecated, use ...", FutureWarning),
        ("Precision bf16-mixed is not supported by the model summary.", UserWarning),
        ("The dataloader does not have many workers", UserWarning),
    )
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("default")
        silence_known_noise()  # after simplefilter: its filters come first
        for message, category in messages:
            warnings.warn(message, category, stacklevel=1)
    assert [str(w.message) for w in seen] == ["The dataloader does not have many workers"]

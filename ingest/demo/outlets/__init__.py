"""The demo outlets, one module each, in the order the demo lists them."""

from ingest.demo.layouts import Layout
from ingest.demo.outlets.courrier import Courrier
from ingest.demo.outlets.el_faro import ElFaro
from ingest.demo.outlets.rheinblatt import Rheinblatt
from ingest.demo.outlets.yeni_haber import YeniHaber

LAYOUTS: tuple[type[Layout], ...] = (YeniHaber, Rheinblatt, ElFaro, Courrier)

__all__ = ["LAYOUTS", "Courrier", "ElFaro", "Rheinblatt", "YeniHaber"]

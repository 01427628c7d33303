"""Message boxes that show their text as plain text.

``QMessageBox.warning(parent, title, text)`` guesses the text format: a message that
quotes a file name, a column or a row holding ``<h1>`` or ``<a href=…>`` would be drawn
as HTML (a link the planner might click, a huge heading, or text that vanishes). These
boxes show every character as written. Tests record them through ``QMessageBox.exec``.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

Button = QMessageBox.StandardButton


def _show(icon: QMessageBox.Icon, parent: QWidget | None, title: str, text: str,
          buttons: Button = Button.Ok, default: Button = Button.NoButton) -> Button:
    box = QMessageBox(icon, title, text, buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    if default != Button.NoButton:
        box.setDefaultButton(default)
    return Button(box.exec())


def warning(parent: QWidget | None, title: str, text: str) -> Button:
    return _show(QMessageBox.Icon.Warning, parent, title, text)


def information(parent: QWidget | None, title: str, text: str) -> Button:
    return _show(QMessageBox.Icon.Information, parent, title, text)


def about(parent: QWidget | None, title: str, text: str) -> Button:
    return _show(QMessageBox.Icon.NoIcon, parent, title, text)


def question(parent: QWidget | None, title: str, text: str, buttons: Button,
             default: Button = Button.NoButton) -> Button:
    return _show(QMessageBox.Icon.Question, parent, title, text, buttons, default)


def plain_tip(text: str) -> str:
    """A tooltip that shows ``text`` literally (tooltips, too, guess rich text)."""
    from PySide6.QtGui import Qt as GuiQt

    return GuiQt.convertFromPlainText(text)

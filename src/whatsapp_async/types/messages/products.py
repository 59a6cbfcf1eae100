"""Catalog messages: one product, or a list of products in sections."""

from __future__ import annotations

from collections.abc import Sequence

from msgspec import UNSET, UnsetType

from ..._validation import listed
from ...errors import ValidationError
from ._checks import _id, _items, _struct, _Wire
from .interactive_parts import Body, Footer, TextHeader, _as_footer, _Interactive, _section_title
from .limits import PRODUCT_ITEMS_MAX, PRODUCT_SECTIONS_MAX


class ProductAction(_Wire, kw_only=True):
    """Which catalog item a single-product message shows."""

    catalog_id: str
    product_retailer_id: str

    def _check(self, path: str) -> None:
        _id(f"{path}.catalog_id", self.catalog_id)
        _id(f"{path}.product_retailer_id", self.product_retailer_id)


class Product(_Interactive, tag="product", kw_only=True):
    """One product from your catalog (interactive ``product``); it takes no header."""

    action: ProductAction
    body: Body | UnsetType = UNSET
    footer: Footer | UnsetType = UNSET

    @classmethod
    def create(
        cls,
        *,
        catalog_id: str,
        product_retailer_id: str,
        body: str | None = None,
        footer: str | None = None,
    ) -> Product:
        """Build the message from plain values."""
        return cls(
            action=ProductAction(catalog_id=catalog_id, product_retailer_id=product_retailer_id),
            body=UNSET if body is None else Body(text=body),
            footer=_as_footer(footer),
        )

    def _check(self, path: str) -> None:
        self._check_body(path, self.body, required=False)
        self._check_footer(path, self.footer)
        _struct(f"{path}.action", self.action, ProductAction)
        self.action._check(f"{path}.action")


class ProductItem(_Wire, kw_only=True):
    """One catalog item in a product section."""

    product_retailer_id: str


class ProductSection(_Wire, kw_only=True):
    """A titled group of products; ``title`` (≤24) is required when there are several."""

    product_items: list[ProductItem]
    title: str | UnsetType = UNSET


class ProductListAction(_Wire, kw_only=True):
    """The ``action`` of a multi-product message: ≤10 sections, ≤30 products in total."""

    catalog_id: str
    sections: list[ProductSection]

    def _check(self, path: str) -> None:
        _id(f"{path}.catalog_id", self.catalog_id)
        sections = _items(
            f"{path}.sections", self.sections, ProductSection,
            minimum=1, maximum=PRODUCT_SECTIONS_MAX,
        )
        total = 0
        for s, section in enumerate(sections):
            where = f"{path}.sections[{s}]"
            _section_title(where, section.title, len(sections))
            items = _items(
                f"{where}.product_items", section.product_items, ProductItem,
                minimum=1, maximum=None,
            )
            for i, item in enumerate(items):
                _id(f"{where}.product_items[{i}].product_retailer_id", item.product_retailer_id)
            total += len(items)
            if total > PRODUCT_ITEMS_MAX:
                raise ValidationError(
                    f"{path}.sections",
                    f"must have at most {PRODUCT_ITEMS_MAX} products in total across sections",
                )


class ProductList(_Interactive, tag="product_list", kw_only=True):
    """Up to 30 products in sections (interactive ``product_list``); needs a text header."""

    header: TextHeader
    body: Body
    action: ProductListAction
    footer: Footer | UnsetType = UNSET

    @classmethod
    def create(
        cls,
        body: str,
        *,
        header: str,
        catalog_id: str,
        sections: Sequence[ProductSection],
        footer: str | None = None,
    ) -> ProductList:
        """Build the message from plain values."""
        return cls(
            header=TextHeader(text=header),
            body=Body(text=body),
            action=ProductListAction(catalog_id=catalog_id, sections=listed(sections)),
            footer=_as_footer(footer),
        )

    def _check(self, path: str) -> None:
        _struct(f"{path}.header", self.header, TextHeader)
        self.header._check(f"{path}.header")
        self._check_body(path, self.body)
        self._check_footer(path, self.footer)
        _struct(f"{path}.action", self.action, ProductListAction)
        self.action._check(f"{path}.action")

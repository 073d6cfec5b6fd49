"""One SearchIndex for articles; its text comes from a plain-text data template.

Facet and filter fields are haystack Facet*Fields: every backend indexes them unanalysed
(Whoosh ID/KEYWORD in search.backend, Elasticsearch keyword), so facets are slugs.
Nothing but ids is stored: snippets are cut from the database text of the page's articles.
"""

from haystack import fields, indexes

from archive.models import Article


class ArticleIndex(indexes.SearchIndex, indexes.Indexable):
    # Read by our backend (search.backend.Served): the date it sorts and filters by, and the
    # facet derived from it, which a date filter does not narrow.
    date_field = "published"
    date_facet = "month"
    # The article's language (ISO 639-1): our backend stems its text in it (issue 19).
    language_field = "language"

    text = indexes.CharField(document=True, use_template=True, stored=False)
    title = indexes.CharField(model_attr="title", boost=2.0, stored=False)
    # Names, for the title:/author:/source:/tag: parts of the query language.
    author = indexes.CharField(stored=False)
    source = indexes.CharField(stored=False)
    tag = indexes.CharField(stored=False)
    # Unanalysed values for filters and facets.
    source_slug = indexes.FacetCharField(null=True, stored=False)
    author_slugs = fields.FacetMultiValueField(stored=False)
    tag_slugs = fields.FacetMultiValueField(stored=False)
    month = indexes.FacetCharField(null=True, stored=False)
    language = indexes.FacetCharField(model_attr="language", null=True, stored=False)
    published = indexes.DateField(model_attr="published", null=True, stored=False)
    # "yes" for an article in a story: group=story reads only those matches (search.stories).
    in_story = indexes.FacetCharField(stored=False)

    def get_model(self):
        return Article

    def index_queryset(self, using=None):
        return self.get_model().objects.public().for_listing()

    def read_queryset(self, using=None):
        return self.get_model().objects.public().for_listing()

    def get_updated_field(self):
        return "updated"

    def prepare_author(self, obj):
        return " ".join(a.name for a in obj.authors.all())

    def prepare_source(self, obj):
        return obj.source.name if obj.source_id else ""

    def prepare_tag(self, obj):
        return " ".join(t.name for t in obj.tags.all())

    # Articles with no source or no date are indexed with the value "-" (results.UNKNOWN), so
    # the facets count them ("Unknown source", "Undated") and source=- finds them.
    def prepare_source_slug(self, obj):
        return obj.source.slug if obj.source_id else "-"

    def prepare_author_slugs(self, obj):
        return [a.slug for a in obj.authors.all()]

    def prepare_tag_slugs(self, obj):
        return [t.slug for t in obj.tags.all()]

    def prepare_in_story(self, obj):
        return "yes" if obj.story_id else "no"

    def prepare_month(self, obj):
        # Not strftime: it writes year 1 as "1", and the month facet needs "0001-01".
        day = obj.published
        return f"{day.year:04d}-{day.month:02d}" if day else "-"

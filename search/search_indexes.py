"""One SearchIndex for articles; its text comes from a plain-text data template."""

from haystack import indexes

from archive.models import Article


class ArticleIndex(indexes.SearchIndex, indexes.Indexable):
    text = indexes.CharField(document=True, use_template=True)
    title = indexes.CharField(model_attr="title", boost=2.0)
    published = indexes.DateField(model_attr="published", null=True)
    source = indexes.CharField(null=True, faceted=True)
    authors = indexes.MultiValueField(faceted=True)
    tags = indexes.MultiValueField(faceted=True)
    language = indexes.CharField(model_attr="language", null=True)

    def get_model(self):
        return Article

    def index_queryset(self, using=None):
        return self.get_model().objects.public().for_listing()

    def prepare_source(self, obj):
        return obj.source.slug if obj.source_id else None

    def prepare_authors(self, obj):
        return [a.slug for a in obj.authors.all()]

    def prepare_tags(self, obj):
        return [t.slug for t in obj.tags.all()]

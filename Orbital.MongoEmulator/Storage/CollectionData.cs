using MongoDB.Bson;
using Orbital.MongoEmulator.Query;

namespace Orbital.MongoEmulator.Storage;

/// <summary>
/// One collection's documents (in insertion order) and its indexes. Unique ones (<c>_id</c> among them) are
/// enforced and kept as hash tables, so an insert or a look-up by <c>_id</c> costs the same however many documents
/// the collection holds.
/// </summary>
internal sealed class CollectionData
{
    private readonly List<BsonDocument> _documents = [];
    private readonly List<BsonDocument> _indexes = [];
    private readonly List<UniqueIndex> _unique = [];

    public CollectionData(string database, string name)
    {
        Database = database;
        Name = name;
        AddIndex(new BsonDocument { { "v", 2 }, { "key", new BsonDocument("_id", 1) }, { "name", "_id_" } });
    }

    public string Database { get; }

    public string Name { get; }

    public Guid Uuid { get; } = Guid.NewGuid();

    public IReadOnlyList<BsonDocument> Documents => _documents;

    public IReadOnlyList<BsonDocument> Indexes => _indexes;

    public string Namespace => $"{Database}.{Name}";

    public BsonDocument? FindById(BsonValue id) => _unique[0].Documents.GetValueOrDefault(new BsonArray { id });

    /// <summary>
    /// The documents a query filter selects, in insertion order; a filter on one plain <c>_id</c> value is looked up
    /// in the <c>_id</c> index rather than matched against every document.
    /// </summary>
    public IEnumerable<BsonDocument> Matching(BsonDocument filter)
    {
        if (filter.ElementCount == 1 && filter.GetElement(0) is { Name: "_id", Value: var id }
            && id.BsonType is not (BsonType.Document or BsonType.Array or BsonType.RegularExpression))
        {
            return FindById(id) is { } document ? [document] : [];
        }

        return _documents.Where(d => FilterMatcher.Matches(d, filter));
    }

    public void Add(BsonDocument document)
    {
        var keys = KeysFor(document, except: null);
        _documents.Add(document);
        for (var i = 0; i < _unique.Count; i++)
        {
            _unique[i].Documents.Add(keys[i], document);
        }
    }

    /// <summary>Swaps <paramref name="current"/> for <paramref name="replacement"/> if no unique index objects.</summary>
    public void Replace(BsonDocument current, BsonDocument replacement)
    {
        var keys = KeysFor(replacement, except: current);
        _documents[_documents.FindIndex(d => ReferenceEquals(d, current))] = replacement;
        for (var i = 0; i < _unique.Count; i++)
        {
            _unique[i].Documents.Remove(KeyOf(current, _unique[i].Key));
            _unique[i].Documents[keys[i]] = replacement;
        }
    }

    public void Remove(BsonDocument document)
    {
        var position = _documents.FindIndex(d => ReferenceEquals(d, document));
        if (position < 0)
        {
            return;
        }

        _documents.RemoveAt(position);
        foreach (var index in _unique)
        {
            index.Documents.Remove(KeyOf(document, index.Key));
        }
    }

    /// <summary>The same documents and indexes under another name, as <c>renameCollection</c> leaves them.</summary>
    public CollectionData RenamedTo(string database, string name)
    {
        var renamed = new CollectionData(database, name);
        foreach (var index in _indexes.Skip(1))
        {
            renamed.AddIndex(index);
        }

        foreach (var document in _documents)
        {
            renamed.Add(document);
        }

        return renamed;
    }

    /// <summary>Adds an index unless one with its name exists; true when it was created.</summary>
    public bool AddIndex(BsonDocument specification)
    {
        var name = specification["name"].AsString;
        if (_indexes.Any(i => i["name"].AsString == name))
        {
            return false;
        }

        if (name == "_id_" || specification.GetValue("unique", false).ToBoolean())
        {
            var index = new UniqueIndex(name, specification["key"].AsBsonDocument);
            foreach (var document in _documents)
            {
                var key = KeyOf(document, index.Key);
                if (!index.Documents.TryAdd(key, document))
                {
                    throw DuplicateKey(name, key);
                }
            }

            _unique.Add(index);
        }

        _indexes.Add(specification);
        return true;
    }

    /// <summary>The document's key in each unique index, or a duplicate key error naming the first it breaks.</summary>
    private BsonArray[] KeysFor(BsonDocument candidate, BsonDocument? except)
    {
        var keys = new BsonArray[_unique.Count];
        for (var i = 0; i < _unique.Count; i++)
        {
            var key = KeyOf(candidate, _unique[i].Key);
            if (_unique[i].Documents.TryGetValue(key, out var holder) && !ReferenceEquals(holder, except))
            {
                throw DuplicateKey(_unique[i].Name, key);
            }

            keys[i] = key;
        }

        return keys;
    }

    private MongoCommandError DuplicateKey(string indexName, BsonArray key)
        => new(11000, "DuplicateKey", $"E11000 duplicate key error collection: {Namespace} index: {indexName} dup key: {key}");

    // Keys hold values of the stored document itself: stored documents are never changed in place (an update
    // replaces a document with a changed copy, and every read hands out copies), or the indexes would go stale.
    private static BsonArray KeyOf(BsonDocument document, BsonDocument key)
        => new(key.Names.Select(field => DocumentPath.Resolve(document, field).FirstOrDefault() ?? BsonNull.Value));

    private sealed record UniqueIndex(string Name, BsonDocument Key)
    {
        public Dictionary<BsonArray, BsonDocument> Documents { get; } = new(KeyComparer.Instance);
    }

    /// <summary>Keys are equal as MongoDB compares them (1, 1L and 1.0 are one key), and hash alike when equal.</summary>
    private sealed class KeyComparer : IEqualityComparer<BsonArray>
    {
        public static readonly KeyComparer Instance = new();

        public bool Equals(BsonArray? x, BsonArray? y) => x is not null && y is not null && BsonOrdering.AreEqual(x, y);

        public int GetHashCode(BsonArray obj) => BsonOrdering.HashCode(obj);
    }
}

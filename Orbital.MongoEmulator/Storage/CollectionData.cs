using MongoDB.Bson;
using Orbital.MongoEmulator.Query;

namespace Orbital.MongoEmulator.Storage;

/// <summary>One collection's documents (in insertion order) and its indexes; unique ones are enforced.</summary>
internal sealed class CollectionData(string database, string name)
{
    private readonly List<BsonDocument> _documents = [];
    private readonly List<BsonDocument> _indexes = [new BsonDocument { { "v", 2 }, { "key", new BsonDocument("_id", 1) }, { "name", "_id_" } }];

    public string Database { get; } = database;

    public string Name { get; } = name;

    public Guid Uuid { get; } = Guid.NewGuid();

    public IReadOnlyList<BsonDocument> Documents => _documents;

    public IReadOnlyList<BsonDocument> Indexes => _indexes;

    public string Namespace => $"{Database}.{Name}";

    public BsonDocument? FindById(BsonValue id) => _documents.FirstOrDefault(d => BsonOrdering.AreEqual(d["_id"], id));

    public void Add(BsonDocument document)
    {
        EnsureUnique(document, except: null);
        _documents.Add(document);
    }

    /// <summary>Swaps <paramref name="current"/> for <paramref name="replacement"/> if no unique index objects.</summary>
    public void Replace(BsonDocument current, BsonDocument replacement)
    {
        EnsureUnique(replacement, except: current);
        _documents[_documents.IndexOf(current)] = replacement;
    }

    public void Remove(BsonDocument document) => _documents.Remove(document);

    /// <summary>The same documents and indexes under another name, as <c>renameCollection</c> leaves them.</summary>
    public CollectionData RenamedTo(string database, string name)
    {
        var renamed = new CollectionData(database, name);
        renamed._documents.AddRange(_documents);
        renamed._indexes.Clear();
        renamed._indexes.AddRange(_indexes);
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

        if (specification.GetValue("unique", false).ToBoolean())
        {
            var key = specification["key"].AsBsonDocument;
            var duplicates = _documents.GroupBy(d => KeyOf(d, key), KeyComparer.Instance).FirstOrDefault(g => g.Count() > 1);
            if (duplicates is not null)
            {
                throw DuplicateKey(name, duplicates.Key);
            }
        }

        _indexes.Add(specification);
        return true;
    }

    private void EnsureUnique(BsonDocument candidate, BsonDocument? except)
    {
        foreach (var index in _indexes.Where(i => i["name"] == "_id_" || i.GetValue("unique", false).ToBoolean()))
        {
            var key = index["key"].AsBsonDocument;
            var candidateKey = KeyOf(candidate, key);
            if (_documents.Any(d => !ReferenceEquals(d, except) && KeyComparer.Instance.Equals(KeyOf(d, key), candidateKey)))
            {
                throw DuplicateKey(index["name"].AsString, candidateKey);
            }
        }
    }

    private MongoCommandError DuplicateKey(string indexName, BsonArray key)
        => new(11000, "DuplicateKey", $"E11000 duplicate key error collection: {Namespace} index: {indexName} dup key: {key}");

    private static BsonArray KeyOf(BsonDocument document, BsonDocument key)
        => new(key.Names.Select(field => DocumentPath.Resolve(document, field).FirstOrDefault() ?? BsonNull.Value));

    private sealed class KeyComparer : IEqualityComparer<BsonArray>
    {
        public static readonly KeyComparer Instance = new();

        public bool Equals(BsonArray? x, BsonArray? y) => x is not null && y is not null && BsonOrdering.AreEqual(x, y);

        public int GetHashCode(BsonArray obj) => obj.Count;
    }
}

using MongoDB.Bson;

namespace Orbital.MongoEmulator.Query;

/// <summary>A <c>sort</c> document: fields with 1 (ascending) or -1 (descending), compared by MongoDB's ordering.</summary>
internal sealed class SortSpecification(BsonDocument? sort) : IComparer<BsonDocument>
{
    public int Compare(BsonDocument? x, BsonDocument? y)
    {
        if (sort is null || x is null || y is null)
        {
            return 0;
        }

        foreach (var field in sort)
        {
            var left = DocumentPath.Resolve(x, field.Name).FirstOrDefault() ?? BsonNull.Value;
            var right = DocumentPath.Resolve(y, field.Name).FirstOrDefault() ?? BsonNull.Value;
            var order = BsonOrdering.Compare(left, right);
            if (order != 0)
            {
                return field.Value.ToInt32() < 0 ? -order : order;
            }
        }

        return 0;
    }
}

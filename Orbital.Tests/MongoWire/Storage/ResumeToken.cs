using System.Globalization;
using MongoDB.Bson;

namespace Orbital.Tests.MongoWire.Storage;

/// <summary>
/// A change stream resume token: <c>{ _data: "82…" }</c> like a real server's, opaque to clients. It encodes the
/// oplog position and the server instance, so a token from another server (or an earlier run) is recognised as
/// unknown rather than misread.
/// </summary>
internal static class ResumeToken
{
    private const string Prefix = "82";

    public static BsonDocument For(long position, uint instance)
        => new("_data", string.Create(CultureInfo.InvariantCulture, $"{Prefix}{position:X16}{instance:X8}"));

    /// <summary>The position a token stands for; throws InvalidResumeToken (260) for a malformed token.</summary>
    public static (long Position, uint Instance) Parse(BsonValue token)
    {
        if (token is BsonDocument document
            && document.TryGetValue("_data", out var data)
            && data is BsonString { Value: { Length: 26 } text }
            && text.StartsWith(Prefix, StringComparison.Ordinal)
            && long.TryParse(text.AsSpan(2, 16), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var position)
            && uint.TryParse(text.AsSpan(18, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var instance))
        {
            return (position, instance);
        }

        throw new MongoCommandError(MongoCommandError.InvalidResumeToken, "InvalidResumeToken", $"malformed resume token: {token}");
    }
}

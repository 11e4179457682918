using System.Globalization;
using MongoDB.Bson;

namespace Orbital.MongoEmulator.Storage;

/// <summary>
/// A change stream resume token: <c>{ _data: "82…" }</c> like a real server's, opaque to clients. It encodes the
/// oplog position, the server instance (so a token from another server, or an earlier run, is recognised as
/// unknown rather than misread) and whether it is an invalidate's token, which only <c>startAfter</c> accepts.
/// </summary>
internal static class ResumeToken
{
    private const string Prefix = "82";
    private const int Length = 28;

    public static BsonDocument For(long position, uint instance, bool invalidate = false)
        => new("_data", string.Create(CultureInfo.InvariantCulture, $"{Prefix}{position:X16}{instance:X8}{(invalidate ? 1 : 0):X2}"));

    /// <summary>
    /// What a token stands for. A token that cannot be read fails as a real server fails it: 40647 when
    /// <c>_data</c> is missing or not a string, FailedToParse (9) when it is not hex, 50811 when it is hex but not
    /// a token this server could have issued.
    /// </summary>
    public static (long Position, uint Instance, bool Invalidate) Parse(BsonValue token)
    {
        if (token is not BsonDocument document || !document.TryGetValue("_data", out var data) || data is not BsonString { Value: var text })
        {
            throw new MongoCommandError(40647, "Location40647", $"Bad resume token: _data of missing or of wrong type. Expected string, got {token}");
        }

        if (text.Length % 2 != 0 || !text.All(char.IsAsciiHexDigit))
        {
            throw new MongoCommandError(MongoCommandError.FailedToParse, "FailedToParse", $"resume token string was not a valid hex string: {text}");
        }

        if (text.Length == Length
            && text.StartsWith(Prefix, StringComparison.Ordinal)
            && long.TryParse(text.AsSpan(2, 16), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var position)
            && uint.TryParse(text.AsSpan(18, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var instance)
            && byte.TryParse(text.AsSpan(26, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var kind)
            && kind <= 1)
        {
            return (position, instance, kind == 1);
        }

        throw new MongoCommandError(50811, "Location50811", $"Bad resume token: could not decode the resume token {text}");
    }
}

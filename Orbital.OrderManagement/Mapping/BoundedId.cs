using System.Security.Cryptography;
using System.Text;
using Orbital.Contracts.Validation;

namespace Orbital.OrderManagement.Mapping;

/// <summary>
/// Makes an id the kitchen can store (at most <see cref="OrderLimits.MaxIdLength"/> characters, none of them control
/// characters or lone surrogates) without losing what tells it apart: an id that already fits is kept as it is;
/// another keeps its first characters, followed by <c>…#</c> and 32 hex digits of the SHA-256 of the whole id.
/// </summary>
public static class BoundedId
{
    private const int HashHexDigits = 32;

    public static string Of(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (id.Length <= OrderLimits.MaxIdLength && !id.Any(c => char.IsControl(c) || char.IsSurrogate(c)))
        {
            return id;
        }

        // UTF-32 code units, so that lone surrogates hash as themselves rather than as a replacement character.
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF32.GetBytes(id)))[..HashHexDigits];
        var head = new string([.. id.Take(OrderLimits.MaxIdLength - HashHexDigits - 2).Select(c => char.IsControl(c) || char.IsSurrogate(c) ? '?' : c)]);
        return $"{head}…#{hash}";
    }
}

using Google.Protobuf;
using Orbital.Contracts.Orders;

namespace Orbital.Contracts.Validation;

/// <summary>
/// An order line's id, whichever way it travels: as text (<c>line_id</c>), or, when it is a GUID in canonical form, as
/// its 16 bytes (<c>line_uuid</c>), which reads back as exactly the same text. Both ends use these; nothing else reads
/// the two fields.
/// </summary>
public static class OrderItemLineIds
{
    /// <summary>The line's id as text; empty when it has none.</summary>
    public static string LineKey(this OrderItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return item.LineUuid.Length == 16 ? new Guid(item.LineUuid.Span, bigEndian: true).ToString("D") : item.LineId;
    }

    /// <summary>Sets the line's id the compact way when it reads back exactly, as text otherwise.</summary>
    public static void SetLineKey(this OrderItem item, string lineId)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(lineId);
        if (Guid.TryParseExact(lineId, "D", out var guid) && guid.ToString("D") == lineId)
        {
            item.LineUuid = ByteString.CopyFrom(guid.ToByteArray(bigEndian: true));
            item.LineId = string.Empty;
        }
        else
        {
            item.LineId = lineId;
            item.LineUuid = ByteString.Empty;
        }
    }
}

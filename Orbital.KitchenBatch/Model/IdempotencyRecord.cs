namespace Orbital.KitchenBatch.Model;

/// <summary>
/// A write request that carried an <c>Idempotency-Key</c>, and its answer: a retry with the same key and the same
/// request is answered with it, and changes nothing.
/// </summary>
public sealed class IdempotencyRecord
{
    /// <summary>The longest Idempotency-Key kept (the header's value; longer ones are refused).</summary>
    public const int MaxKeyLength = 255;

    /// <summary>Who sent it (a device, the manager, or anyone for pairing): keys are unique per caller.</summary>
    public required string Subject { get; set; }

    /// <summary>The <c>Idempotency-Key</c> header.</summary>
    public required string Key { get; set; }

    /// <summary>The SHA-256 of the request's method, path and body, in hex: the same key with another request is refused.</summary>
    public required string Fingerprint { get; set; }

    /// <summary>The answer's status code.</summary>
    public int StatusCode { get; set; }

    /// <summary>The answer's <c>Location</c> header, if it had one.</summary>
    public string? Location { get; set; }

    /// <summary>The answer's JSON body, encrypted (it may carry a device token or a pairing code); null for none.</summary>
    public byte[]? Response { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

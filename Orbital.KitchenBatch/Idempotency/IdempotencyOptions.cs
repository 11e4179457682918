using System.ComponentModel.DataAnnotations;

namespace Orbital.KitchenBatch.Idempotency;

/// <summary>How long the kitchen remembers idempotency keys (section <c>Kitchen:Idempotency</c>).</summary>
public sealed class IdempotencyOptions
{
    public const string SectionName = "Kitchen:Idempotency";

    /// <summary>
    /// How long a key and its answer are kept. A board queues taps while the kitchen is unreachable and sends them
    /// when it is back; a day covers a tablet that was offline for a whole shift. A retry after this is a new request.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan KeyLifetime { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How often expired keys are removed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromHours(1);
}

using System.ComponentModel.DataAnnotations;

namespace Orbital.OrderManagement.Forwarding;

/// <summary>How orders are handed to the kitchen (section <c>OrderListener:Forwarding</c>; <c>KitchenForwarding</c> still read).</summary>
public sealed class KitchenForwardingOptions
{
    public const string SectionName = "OrderListener:Forwarding";

    /// <summary>The section's name before every order-service setting moved under <c>OrderListener</c>; still read.</summary>
    public const string FormerSectionName = "KitchenForwarding";

    /// <summary>The kitchen's gRPC address; by default found by service discovery (the kitchen's <c>grpc</c> endpoint).</summary>
    [Required]
    public Uri Address { get; set; } = new("http://_grpc.kitchen-batch");

    /// <summary>The deadline of one <c>SubmitOrder</c> call.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan Deadline { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The kitchen's intake key, sent as <c>authorization: Bearer</c> with every call: the kitchen takes orders
    /// from no one else. A secret: the AppHost passes the same generated parameter to both services.
    /// </summary>
    public string? IntakeKey { get; set; }
}

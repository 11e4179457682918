using System.ComponentModel.DataAnnotations;

namespace Orbital.OrderManagement.Rejections;

/// <summary>Where documents that cannot become orders are recorded (section <c>OrderListener</c>).</summary>
public sealed class RejectionOptions
{
    /// <summary>The section these settings are read from: the listener's, where they have always been.</summary>
    public const string SectionName = "OrderListener";

    /// <summary>The collection the rejected documents are in (the listener's <c>OrdersCollection</c>), recorded with each rejection.</summary>
    [Required]
    public string OrdersCollection { get; set; } = "orders";

    /// <summary>Where documents that cannot become orders are recorded, with why.</summary>
    [Required]
    public string RejectedOrdersCollection { get; set; } = "orbital_rejected_orders";
}

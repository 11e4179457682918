namespace Orbital.Contracts.Validation;

/// <summary>One broken rule: the field's path in the request (<c>stations[0].items[1].quantity</c>) and why.</summary>
public sealed record OrderFieldError(string Field, string Message)
{
    public override string ToString() => $"{Field} {Message}";
}

using System.Runtime.CompilerServices;

namespace Polly.AttemptAwareBreaker;

internal static class Guard
{
    public static T NotNull<T>(T? value, [CallerArgumentExpression(nameof(value))] string? name = null)
        where T : class
        => value ?? throw new ArgumentNullException(name);
}

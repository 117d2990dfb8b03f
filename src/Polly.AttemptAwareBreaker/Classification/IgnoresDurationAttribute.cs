namespace Polly.AttemptAwareBreaker;

/// <summary>
/// Marks a built-in classifier that never reads <see cref="OutcomeClassifierArguments{TResult}.Duration"/>: a standalone breaker whose
/// classifier carries it (and that has no slow-attempt rule) does not read the clock when an attempt starts, so the closed path costs
/// what it did before durations were measured.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
internal sealed class IgnoresDurationAttribute : Attribute
{
    /// <summary>Returns whether a classifier may read the attempt's duration.</summary>
    /// <param name="classifier">The classifier.</param>
    /// <returns><see langword="false"/> for a built-in classifier marked with this attribute.</returns>
    public static bool MayRead(Delegate classifier) => !classifier.Method.IsDefined(typeof(IgnoresDurationAttribute), inherit: false);
}

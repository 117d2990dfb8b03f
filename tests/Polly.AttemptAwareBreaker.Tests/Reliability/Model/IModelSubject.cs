namespace Polly.AttemptAwareBreaker.Tests.Reliability.Model;

/// <summary>
/// The breaker under test as <see cref="ModelDriver{TSubject}"/> sees it: the adapter owns the real breaker (and any expectation the
/// model does not keep itself) and says which of its figures must equal the model's after every step.
/// </summary>
internal interface IModelSubject : IDisposable
{
    /// <summary>Adds each figure of the breaker next to the model's.</summary>
    /// <param name="comparison">The comparison of this step.</param>
    /// <param name="model">The reference model.</param>
    /// <param name="now">The fake clock's timestamp.</param>
    void Compare(ModelComparison comparison, BreakerModel model, long now);
}

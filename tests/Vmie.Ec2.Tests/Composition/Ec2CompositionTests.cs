using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Vmie.Ec2.Composition;
using Vmie.Ec2.Contracts.Tags;
using Vmie.Ec2.Persistence;
using Vmie.Ec2.Tasks;
using Vmie.Ec2.Tests.TestDoubles;

namespace Vmie.Ec2.Tests.Composition;

public sealed class Ec2CompositionTests
{
    [Fact]
    public void The_catalog_lists_each_action_once_with_its_request_and_result_types()
    {
        var actions = Ec2ActionCatalog.Actions;

        Assert.Equal(
            [
                "CancelImportTask", "CreateTags", "CreateVolume", "DeleteSnapshot", "DeleteTags", "DeleteVolume", "DeregisterImage", "DescribeImages",
                "DescribeImportImageTasks", "DescribeImportSnapshotTasks", "DescribeSnapshots", "DescribeTags", "DescribeVolumes", "ImportImage",
                "ImportSnapshot", "RegisterImage",
            ],
            actions.Select(a => a.Name).Order(StringComparer.Ordinal));
        Assert.All(actions, a => Assert.Equal(a.Name + "Request", a.RequestType.Name));

        // The model's output shape of CreateVolume is Volume itself.
        Assert.All(actions.Where(a => a.ResultType is not null), a => Assert.Equal(a.Name == "CreateVolume" ? "Volume" : a.Name + "Result", a.ResultType!.Name));
        Assert.Equal(["CreateTags", "DeleteSnapshot", "DeleteTags", "DeleteVolume"], actions.Where(a => a.ResultType is null).Select(a => a.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Contract_members_are_public_settable_properties_of_the_binder_types()
    {
        var allowed = new[] { typeof(string), typeof(bool?), typeof(int?), typeof(long?), typeof(double?), typeof(DateTime?) };
        var types = Ec2ActionCatalog.Actions.SelectMany(a => new[] { a.RequestType, a.ResultType }).OfType<Type>().ToHashSet();
        var queue = new Queue<Type>(types);
        while (queue.TryDequeue(out var type))
        {
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                Assert.True(property.SetMethod?.IsPublic, $"{type.Name}.{property.Name} must be settable");
                var memberType = property.PropertyType;
                if (memberType.IsGenericType && memberType.GetGenericTypeDefinition() == typeof(List<>))
                {
                    memberType = memberType.GetGenericArguments()[0];
                }

                if (!allowed.Contains(memberType))
                {
                    Assert.True(memberType.IsClass && memberType.Namespace!.StartsWith("Vmie.Ec2.Contracts", StringComparison.Ordinal), $"{type.Name}.{property.Name} has type {memberType}");
                    if (types.Add(memberType))
                    {
                        queue.Enqueue(memberType);
                    }
                }
            }
        }
    }

    [Fact]
    public async Task AddVmieEc2_registers_the_services_and_the_runner_as_a_hosted_service()
    {
        await using var host = Ec2TestHost.Create();

        Assert.Same(host.Runner, host.Services.GetServices<IHostedService>().OfType<ImportTaskRunner>().Single());
        var result = await Ec2ActionCatalog.Actions.Single(a => a.Name == "DescribeTags").InvokeAsync(host.Services, new DescribeTagsRequest(), host.Context, CancellationToken.None);
        Assert.IsType<DescribeTagsResult>(result);

        var snapshot = await SnapshotRowFactory.InsertAsync(host);
        var none = await Ec2ActionCatalog.Actions.Single(a => a.Name == "DeleteSnapshot")
            .InvokeAsync(host.Services, new Vmie.Ec2.Contracts.Snapshots.DeleteSnapshotRequest { SnapshotId = snapshot.Id }, host.Context, CancellationToken.None);
        Assert.Null(none);
    }

    [Fact]
    public void Invalid_options_fail_at_registration()
    {
        var services = new ServiceCollection();
        Assert.Throws<ArgumentOutOfRangeException>(() => services.AddVmieEc2(o => o.ImportWorkerCount = 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => services.AddVmieEc2(o => o.StaleClaimTimeout = TimeSpan.Zero));
    }

    [Fact]
    public void The_schema_is_migrations_of_the_ec2_component_numbered_without_gaps()
    {
        Assert.All(Ec2Schema.Migrations, m => Assert.Equal("ec2", m.Component));
        Assert.Equal(Enumerable.Range(1, Ec2Schema.Migrations.Count), Ec2Schema.Migrations.Select(m => m.Version));
    }
}

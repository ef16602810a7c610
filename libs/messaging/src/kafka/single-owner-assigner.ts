// The partition assigner of an exclusive group (SubscribeOptions.exclusive): every partition of
// every topic goes to one member, the others get nothing and stand by; the group protocol is the
// lease, so a dead owner's session timeout hands everything to a standby. The member that owns
// the partitions now keeps them across rebalances (it says so in its metadata), so a standby
// joining does not move the state.
import kafkajs, { type PartitionAssigner } from 'kafkajs';

const { AssignerProtocol } = kafkajs;
const OWNER = Buffer.from('owner');

export function singleOwnerAssigner(owning: () => boolean): PartitionAssigner {
  return ({ cluster }) => ({
    name: 'AftershockSingleOwner',
    version: 0,
    async assign({ members, topics }) {
      const sorted = [...members].sort((a, b) => a.memberId.localeCompare(b.memberId));
      const current = sorted.find((m) => {
        const metadata = AssignerProtocol.MemberMetadata.decode(m.memberMetadata);
        return metadata?.userData?.equals(OWNER) ?? false;
      });
      const owner = (current ?? sorted[0])!.memberId;
      const everything = Object.fromEntries(
        topics.map((topic) => [topic, cluster.findTopicPartitionMetadata(topic).map((p) => p.partitionId)]),
      );
      return members.map(({ memberId }) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: 0,
          assignment: memberId === owner ? everything : {},
          userData: Buffer.alloc(0),
        }),
      }));
    },
    protocol({ topics }) {
      return {
        name: 'AftershockSingleOwner',
        metadata: AssignerProtocol.MemberMetadata.encode({
          version: 0,
          topics,
          userData: owning() ? OWNER : Buffer.alloc(0),
        }),
      };
    },
  });
}

/**
 * Where an answered campaign call stands among the callers waiting for an operator. A person
 * we called is not more urgent than one who called us: in line with inbound callers, unless
 * the campaign (or, when it says nothing, the queue) puts campaign calls first.
 */
export type CampaignPriority = 'normal' | 'vip'

export function campaignCallIsVip(campaign: CampaignPriority | undefined, queue: CampaignPriority | undefined): boolean {
  return (campaign ?? queue ?? 'normal') === 'vip'
}
